"""Reads: querysets with their joins already right, scoped by `lms.permissions`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from lms.models.accounts import StaffProfile, StaffStatus
from lms.models.audit import AuditEvent
from lms.models.org import OrgUnit
from lms.permissions import can_read_audit_log, staff_scope, staff_visibility
from lms.roles import Role, roles_of


def staff_visible_to(user) -> QuerySet[StaffProfile]:
    """The staff profiles `user` may see (see `lms.permissions`)."""
    return (
        StaffProfile.objects.filter(staff_visibility.q(user))
        .select_related("user", "org_unit")
        .order_by("user__username")
    )


def staff_under_unit(unit: OrgUnit, *, active_only: bool = True) -> QuerySet[StaffProfile]:
    """Everyone in `unit` or any unit below it: one prefix match on the tree path."""
    qs = StaffProfile.objects.filter(org_unit__path__startswith=unit.path)
    if active_only:
        qs = qs.filter(status=StaffStatus.ACTIVE)
    return qs.select_related("user", "org_unit")


def org_units_visible_to(user) -> QuerySet[OrgUnit]:
    """The org units whose staff `user` may see, for filters and pickers."""
    scope = staff_scope(user)
    if scope.everyone:
        return OrgUnit.objects.all()
    if not scope.unit_paths:
        return OrgUnit.objects.none()
    q = Q()
    for path in scope.unit_paths:
        q |= Q(path__startswith=path)
    return OrgUnit.objects.filter(q)


def org_tree_with_counts() -> list[tuple[OrgUnit, int, int]]:
    """Every unit in tree order, with its own active staff and everyone under it (2 queries)."""
    units = list(OrgUnit.get_tree())
    direct = dict(
        StaffProfile.objects.filter(status=StaffStatus.ACTIVE)
        .values_list("org_unit_id")
        .annotate(n=Count("pk"))
        .values_list("org_unit_id", "n")
    )
    under: dict[str, int] = {}
    for unit in units:
        own = direct.get(unit.pk, 0)
        for depth in range(1, unit.depth + 1):
            prefix = unit.path[: depth * OrgUnit.steplen]
            under[prefix] = under.get(prefix, 0) + own
    return [(unit, direct.get(unit.pk, 0), under.get(unit.path, 0)) for unit in units]


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    if not can_read_audit_log(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("actor")


def home_summary_for(user) -> dict:
    """What the home page shows a signed-in person about themselves."""
    profile = StaffProfile.objects.select_related("org_unit").filter(user=user).first()
    return {
        "profile": profile,
        "unit_path": profile.org_unit.full_path_names() if profile else [],
        "roles": sorted(roles_of(user)),
    }


def access_to_records_of(user) -> QuerySet[AuditEvent]:
    """The events about `user`'s data caused by someone else, newest first (the index on
    subject and time serves it)."""
    return (
        AuditEvent.objects.filter(subject=user)
        .exclude(actor_id=user.pk)
        .select_related("actor__profile")
        .order_by("-at", "-id")
    )


@dataclass(frozen=True)
class Access:
    """One look at a person's records, as that person is shown it."""

    at: datetime
    name: str
    employee_number: str
    roles: list[str]
    action: str
    record: str
    about: str


def _roles_text(values) -> list[str]:
    labels = []
    for value in values or []:
        try:
            labels.append(str(Role(value).label))
        except ValueError:
            labels.append(value)
    return labels


def access_rows(events) -> list[Access]:
    """`events` (of `access_to_records_of`) with who by name and role, and what they saw."""
    rows = []
    for event in events:
        actor = event.actor
        profile = getattr(actor, "profile", None) if actor is not None else None
        number = actor.username if actor is not None else event.actor_label
        rows.append(
            Access(
                at=event.at,
                name=profile.full_name if profile is not None else number,
                employee_number=number,
                roles=_roles_text(event.details.get("roles")),
                action=event.get_action_display(),
                record=event.record_label,
                about=event.object_repr,
            )
        )
    return rows
