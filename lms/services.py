"""Writes for people and the organisation: one function per use case."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lms.audit import audit_record
from lms.models.accounts import Position, StaffProfile, StaffStatus, User
from lms.models.audit import AuditAction
from lms.models.org import CHILD_KIND, OrgUnit, OrgUnitKind
from lms.permissions import forget_scope, may_give_roles, may_manage_account
from lms.platform.auth import keeps_password
from lms.roles import Role, forget_roles
from lms.signals import staff_created
from lms.sso import providers as sso

logger = logging.getLogger(__name__)

# The role each position gets when an account is created for it.
DEFAULT_ROLES: dict[str, tuple[Role, ...]] = {
    Position.COURIER: (Role.LEARNER,),
    Position.CUSTOMER_SERVICE: (Role.LEARNER,),
    Position.STATION_STAFF: (Role.LEARNER,),
    Position.MANAGER: (Role.LEARNER,),
    Position.TRAINER: (Role.LEARNER, Role.TRAINER),
    Position.HR: (Role.LEARNER, Role.HR),
}


@transaction.atomic
def orgunit_create(
    *, name: str, kind: OrgUnitKind | str, code: str, parent: OrgUnit | None = None
) -> OrgUnit:
    """Add a unit to the tree; a child's kind must be the one below its parent's."""
    kind = OrgUnitKind(kind)
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationError(
            _("Another org unit already uses the code %(code)s.") % {"code": code}
        )
    if parent is None:
        if kind != OrgUnitKind.COMPANY:
            raise ValidationError(_("Only a company can be at the top of the tree."))
        unit = OrgUnit.add_root(name=name, kind=kind, code=code)
    else:
        expected = CHILD_KIND.get(OrgUnitKind(parent.kind))
        if kind != expected:
            raise ValidationError(
                _("A unit under a %(parent)s must be a %(expected)s.")
                % {
                    "parent": OrgUnitKind(parent.kind).label,
                    "expected": expected.label if expected else _("nothing (teams have no units)"),
                }
            )
        unit = parent.add_child(name=name, kind=kind, code=code)
    return unit


@transaction.atomic
def orgunit_add(
    *, parent: OrgUnit | None, name: str, code: str, by: User | None = None
) -> OrgUnit:
    """Add a unit one level below `parent` (a region under a company...), or a company."""
    kind = CHILD_KIND.get(OrgUnitKind(parent.kind)) if parent else OrgUnitKind.COMPANY
    if kind is None:
        raise ValidationError(_("A team cannot have units under it."))
    unit = orgunit_create(name=name.strip(), kind=kind, code=code, parent=parent)
    audit_record(action=AuditAction.ORG_UNIT_CREATED, actor=by, target=unit)
    return unit


@transaction.atomic
def staff_create(
    *,
    employee_number: str,
    full_name: str,
    org_unit: OrgUnit,
    position: Position | str,
    hire_date: datetime.date,
    email: str = "",
    phone: str = "",
    roles: Iterable[Role] | None = None,
    by: User | None = None,
    password: str | None = None,
) -> StaffProfile:
    """Create the account and profile of a new member of staff.

    Without a password the account cannot sign in until the person sets one
    through the link `staff_invite` sends. An account that would hold the HR or the
    administrator role (by its position or by `roles`) is created only by an administrator
    (or by the system, `by=None`).
    """
    roles = tuple(roles if roles is not None else DEFAULT_ROLES[position])
    if by is not None and not may_give_roles(by, roles):
        raise ValidationError(
            {"position": _("Only an administrator may create an account with the HR role.")}
        )
    employee_number = employee_number.strip()
    email = email.strip().lower()  # allauth looks e-mail addresses up in lower case
    user = User(username=employee_number, email=email, is_active=True)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    profile = StaffProfile(
        user=user,
        full_name=full_name.strip(),
        org_unit=org_unit,
        position=position,
        hire_date=hire_date,
        phone=phone.strip(),
    )
    profile.full_clean()
    profile.save()
    staff_set_roles(user=user, roles=roles)
    audit_record(action=AuditAction.STAFF_CREATED, actor=by, target=profile)
    transaction.on_commit(lambda: staff_created.send(sender=StaffProfile, profile=profile, by=by))
    return profile


_PROFILE_FIELDS = ("full_name", "org_unit", "position", "hire_date", "phone")


def _require_account_rule(by: User | None, account: User) -> None:
    """The role order (`lms.permissions.may_manage_account`), for a write done by a person;
    `by=None` is the system itself (a management command, the demo)."""
    if by is not None and not may_manage_account(by, account):
        raise PermissionDenied


@transaction.atomic
def staff_update(*, profile: StaffProfile, by: User | None = None, **changes) -> StaffProfile:
    """Change a profile's HR fields (and e-mail); records what changed."""
    unknown = set(changes) - set(_PROFILE_FIELDS) - {"email"}
    if unknown:
        raise TypeError(f"staff_update() got unexpected fields: {sorted(unknown)}")
    if "email" in changes:
        changes["email"] = changes["email"].strip().lower()
    changed: dict[str, list[str]] = {}
    for field, value in changes.items():
        target = profile.user if field == "email" else profile
        old = getattr(target, field)
        if old != value:
            changed[field] = [str(old), str(value)]
            setattr(target, field, value)
    if not changed:
        return profile
    if "email" in changed:
        _require_account_rule(by, profile.user)
        profile.user.full_clean(exclude=["password"])
        profile.user.save(update_fields=["email"])
    profile.full_clean()
    profile.save()
    audit_record(
        action=AuditAction.STAFF_UPDATED, actor=by, target=profile, details={"changed": changed}
    )
    return profile


@transaction.atomic
def staff_mark_left(
    *, profile: StaffProfile, on: datetime.date, by: User | None = None
) -> StaffProfile:
    """A leaver keeps every record; only the account is switched off."""
    if profile.status == StaffStatus.LEFT:
        return profile
    _require_account_rule(by, profile.user)
    profile.status = StaffStatus.LEFT
    profile.left_on = on
    profile.save(update_fields=["status", "left_on"])
    profile.user.is_active = False
    profile.user.save(update_fields=["is_active"])
    audit_record(
        action=AuditAction.STAFF_LEFT, actor=by, target=profile, details={"on": on.isoformat()}
    )
    return profile


@transaction.atomic
def staff_reinstate(*, profile: StaffProfile, by: User | None = None) -> StaffProfile:
    """Undo a leaving (a returner, or a mistaken roster)."""
    if profile.status == StaffStatus.ACTIVE:
        return profile
    _require_account_rule(by, profile.user)
    profile.status = StaffStatus.ACTIVE
    profile.left_on = None
    profile.save(update_fields=["status", "left_on"])
    profile.user.is_active = True
    profile.user.save(update_fields=["is_active"])
    audit_record(
        action=AuditAction.STAFF_UPDATED,
        actor=by,
        target=profile,
        details={"changed": {"status": [StaffStatus.LEFT, StaffStatus.ACTIVE]}},
    )
    return profile


@transaction.atomic
def staff_set_roles(*, user: User, roles: Iterable[Role]) -> None:
    """Give `user` exactly these roles; the change is audited by the groups signal."""
    wanted = {Role(role).value for role in roles}
    groups = list(Group.objects.filter(name__in=wanted))
    missing = wanted - {group.name for group in groups}
    if missing:
        raise ValidationError(
            _("Unknown roles: %(roles)s") % {"roles": ", ".join(sorted(missing))}
        )
    user.groups.set(groups)
    forget_roles(user)
    forget_scope(user)


@transaction.atomic
def trainer_assign_units(
    *, profile: StaffProfile, units: Iterable[OrgUnit], by: User | None = None
) -> None:
    units = list(units)
    if {u.pk for u in units} == set(profile.trainer_units.values_list("pk", flat=True)):
        return
    profile.trainer_units.set(units)
    forget_scope(profile.user)
    audit_record(
        action=AuditAction.STAFF_UPDATED,
        actor=by,
        target=profile,
        details={"changed": {"trainer_units": [", ".join(u.code for u in units)]}},
    )


def set_password_url(user: User) -> str:
    """A one-time link to choose a password; it stops working once used."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@dataclass(frozen=True)
class Invitation:
    """A set-password link, and whether it reached the person by e-mail: only a link that
    could not be e-mailed is shown to the person who asked for it."""

    url: str
    emailed: bool


def signs_in_with_company_account(user: User) -> bool:
    """LMS_SSO_ONLY and not an administrator: the person signs in with the company's identity
    only, so a set-password link would give them a password nothing accepts."""
    return not keeps_password(user)


def company_sign_in_message(user: User) -> str:
    profile = getattr(user, "profile", None)
    return _(
        "%(name)s signs in with the company account (%(providers)s): passwords are kept for "
        "administrators only, so no set-password link is sent."
    ) % {"name": profile.full_name if profile else user.username, "providers": sso.names()}


def staff_invite(*, user: User, by: User | None = None) -> Invitation:
    """A new one-time set-password link, e-mailed where the person has an address; refused
    (ValidationError, nothing sent nor recorded) for whoever signs in with the company account
    alone (`signs_in_with_company_account`)."""
    _require_account_rule(by, user)
    if signs_in_with_company_account(user):
        raise ValidationError(company_sign_in_message(user), code="sso_only")
    url = set_password_url(user)
    emailed = False
    if user.email:
        language = user.language or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {"user": user, "url": url, "site_name": settings.WAGTAIL_SITE_NAME}
            subject = render_to_string("account/email/invite_subject.txt", context).strip()
            body = render_to_string("account/email/invite_message.txt", context)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except OSError:  # the mail server refused or is away: the link is handed over instead
            logger.exception("The set-password link for %s could not be e-mailed", user.username)
        else:
            emailed = True
    audit_record(
        action=AuditAction.STAFF_INVITED, actor=by, target=user, details={"emailed": emailed}
    )
    return Invitation(url=url, emailed=emailed)


def staff_add(*, by: User | None, **fields) -> tuple[StaffProfile, Invitation | None]:
    """A new member of staff (`staff_create`) and their first set-password link, e-mailed where
    they have an address (`staff_invite`): the account is kept should the e-mail fail. No link
    (None) for whoever signs in with the company account alone."""
    profile = staff_create(by=by, **fields)
    if signs_in_with_company_account(profile.user):
        return profile, None
    return profile, staff_invite(user=profile.user, by=by)


@transaction.atomic
def staff_roles_change(
    *, profile: StaffProfile, roles: Iterable[Role], trainer_units: Iterable[OrgUnit], by: User
) -> None:
    """A person's roles and the units they train, changed together or not at all."""
    staff_set_roles(user=profile.user, roles=roles)
    trainer_assign_units(profile=profile, units=trainer_units, by=by)


def user_set_language(*, user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
