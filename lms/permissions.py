"""Who may see whose records: one rule, two faces.

`staff_scope(user)` decides once what part of the staff a user may see.
The same scope gives both the `Q` filter for lists (`StaffVisibility.q`) and
the yes/no answer for one record (`StaffVisibility.allows`), so the two
cannot drift apart:

- HR and Administrators see everyone;
- a trainer sees the staff of the org units they are assigned to (and
  everything below them), and their own records;
- anyone else — a learner — sees only their own records.

Models that belong to a person (attempts, results, certificates...) reuse
the rule with `via`, the lookup path from that model to `StaffProfile`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from lms.models.org import OrgUnit
from lms.roles import HR_ROLES, Role, is_hr, roles_of


@dataclass(frozen=True)
class StaffScope:
    everyone: bool
    user_id: int | None
    unit_paths: tuple[str, ...] = ()


NOBODY = StaffScope(everyone=False, user_id=None)


def staff_scope(user) -> StaffScope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    cached = getattr(user, "_lms_staff_scope", None)
    if cached is not None:
        return cached
    roles = roles_of(user)
    if roles & HR_ROLES:
        scope = StaffScope(everyone=True, user_id=user.pk)
    elif Role.TRAINER in roles:
        paths = OrgUnit.objects.filter(trainers__user=user).values_list("path", flat=True)
        scope = StaffScope(everyone=False, user_id=user.pk, unit_paths=tuple(sorted(paths)))
    else:
        scope = StaffScope(everyone=False, user_id=user.pk)
    user._lms_staff_scope = scope
    return scope


def forget_scope(user) -> None:
    user.__dict__.pop("_lms_staff_scope", None)


class StaffVisibility:
    """The staff-visibility rule for a model reached from `StaffProfile` by `via`."""

    def __init__(self, via: str = ""):
        self.via = via

    def _lookup(self, field: str) -> str:
        return f"{self.via}__{field}" if self.via else field

    def q(self, user) -> Q:
        scope = staff_scope(user)
        if scope.everyone:
            return Q()
        if scope.user_id is None:
            return Q(pk__in=[])
        q = Q(**{self._lookup("user_id"): scope.user_id})
        for path in scope.unit_paths:
            q |= Q(**{self._lookup("org_unit__path__startswith"): path})
        return q

    def allows(self, user, profile) -> bool:
        """Whether `user` may see the records of the member of staff `profile`."""
        scope = staff_scope(user)
        if scope.everyone:
            return True
        if scope.user_id is None:
            return False
        if profile.user_id == scope.user_id:
            return True
        unit_path = profile.org_unit.path
        return any(unit_path.startswith(path) for path in scope.unit_paths)


staff_visibility = StaffVisibility()
# The rule for the records of a person: any model with a `user` who has a staff profile
# (attempts, assessment results, certificates...).
person_visibility = StaffVisibility(via="user__profile")


# What each role may do with people and the organisation ------------------------------------


def may_list_staff(user) -> bool:
    """Trainers, HR and administrators list the staff they see; learners see only themselves."""
    return bool(roles_of(user) & {Role.TRAINER, Role.HR, Role.ADMINISTRATOR})


def may_manage_staff(user) -> bool:
    """HR and administrators add staff, send set-password links, mark leavers and reinstate."""
    return is_hr(user)


def may_manage_account(user, account) -> bool:
    """Whether `user` may invite, reset, mark as left, reinstate or change the e-mail of `account`.

    Roles have an order: HR and administrators act on the accounts of staff, but only an
    administrator acts on an HR or an administrator account, so that HR cannot take over an
    account that holds more than theirs (a set-password link for the superuser, say).
    """
    if not may_manage_staff(user):
        return False
    if roles_of(account) & HR_ROLES:
        return Role.ADMINISTRATOR in roles_of(user)
    return True


def may_give_roles(user, roles) -> bool:
    """Whether `user` may create an account holding `roles`: one with the HR or the
    administrator role only an administrator creates (the order of `may_manage_account`)."""
    return not HR_ROLES.intersection(roles) or Role.ADMINISTRATOR in roles_of(user)


def may_set_roles(user) -> bool:
    """Only administrators give roles and assign trainers to units."""
    return Role.ADMINISTRATOR in roles_of(user)


def may_read_org(user) -> bool:
    """HR and administrators read the organisation tree."""
    return is_hr(user)


def may_change_org(user) -> bool:
    """Only administrators add org units."""
    return Role.ADMINISTRATOR in roles_of(user)


def may_set_robots(user) -> bool:
    """Only administrators set, remove and try an org unit's group robots (their webhooks
    post into the company's group chats)."""
    return Role.ADMINISTRATOR in roles_of(user)


def can_read_audit_log(user) -> bool:
    """HR and administrators read the audit log."""
    return is_hr(user)


def require(allowed: bool) -> None:
    """PermissionDenied unless `allowed`: `require(may_manage_staff(request.user))`."""
    if not allowed:
        raise PermissionDenied
