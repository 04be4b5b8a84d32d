"""Reads of the confidentiality acknowledgement: the current text, whether a person must
acknowledge it, and HR's list of who has not, by org unit.

A person must acknowledge when they have no acknowledgement of the current version, or their
last one is more than `VALID_FOR` old.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models.acknowledgements import Acknowledgement, ConfidentialityPage
from lms.models.accounts import StaffProfile, StaffStatus
from lms.models.org import OrgUnit
from lms.platform.routing import pages_version

# An acknowledgement holds for a year; then the person is asked again.
VALID_FOR = datetime.timedelta(days=365)


NEVER = "never"
NEW_VERSION = "new_version"
EXPIRED = "expired"
REASONS = {
    NEVER: _("Never acknowledged"),
    NEW_VERSION: _("Acknowledged an earlier version"),
    EXPIRED: _("Last acknowledged over a year ago"),
}


@dataclass(frozen=True)
class CurrentText:
    """The published information-security text, as the pages that point to it need it."""

    pk: int
    title: str
    url: str
    version: int
    version_note: str
    revision_id: int | None


def current_text(request=None) -> CurrentText | None:
    """The live information-security text, or None; kept in the cache under the pages'
    version (no query once warm)."""
    key = f"lms:confidentiality:{pages_version(request)}"
    found = cache.get(key)
    if found is None:
        page = ConfidentialityPage.objects.live().order_by("path").first()
        found = (
            CurrentText(
                page.pk,
                page.title,
                page.get_url(request),
                page.version,
                page.version_note,
                page.live_revision_id,
            )
            if page is not None
            else False
        )
        cache.set(key, found, 24 * 3600)
    return found or None


@dataclass(frozen=True)
class Due:
    """A person's standing with the current text: `reason` is None when nothing is asked."""

    text: CurrentText
    reason: str | None
    last: Acknowledgement | None

    @property
    def due(self) -> bool:
        return self.reason is not None

    @property
    def renew_at(self) -> datetime.datetime | None:
        """When the last acknowledgement stops holding (unless a new version comes first)."""
        return self.last.acknowledged_at + VALID_FOR if self.last is not None else None

    @property
    def reason_label(self) -> str:
        return str(REASONS[self.reason]) if self.reason else ""


def standing(
    user, text: CurrentText | None, *, now: datetime.datetime | None = None
) -> Due | None:
    """Whether `user` must acknowledge `text`, and why (one query); None without a text."""
    if text is None or not getattr(user, "is_authenticated", False):
        return None
    last = Acknowledgement.objects.filter(user_id=user.pk, page_id=text.pk).first()
    return Due(text, reason_for(last, text.version, now=now), last)


def reason_for(last, version: int, *, now: datetime.datetime | None = None) -> str | None:
    """Why a person whose latest acknowledgement is `last` must acknowledge `version` again."""
    now = now or timezone.now()
    if last is None:
        return NEVER
    if last.version != version:
        return NEW_VERSION
    if last.acknowledged_at <= now - VALID_FOR:
        return EXPIRED
    return None


def due_for(user, request=None, *, now: datetime.datetime | None = None) -> Due | None:
    """The person's standing when they must acknowledge, else None (for notices)."""
    found = standing(user, current_text(request), now=now)
    return found if found is not None and found.due else None


# HR's report -------------------------------------------------------------------------------


def staff_with_acknowledgements(text: CurrentText) -> QuerySet[StaffProfile]:
    """Active staff, each with their latest acknowledgement of the text (time and version)."""
    latest = Acknowledgement.objects.filter(user_id=OuterRef("user_id"), page_id=text.pk).order_by(
        "-acknowledged_at", "-pk"
    )
    return StaffProfile.objects.filter(status=StaffStatus.ACTIVE).annotate(
        last_at=Subquery(latest.values("acknowledged_at")[:1]),
        last_version=Subquery(latest.values("version")[:1]),
    )


def _reason_q(text: CurrentText, reason: str, now: datetime.datetime) -> Q:
    never = Q(last_at__isnull=True)
    new_version = Q(last_at__isnull=False, last_version__lt=text.version)
    expired = Q(last_version=text.version, last_at__lte=now - VALID_FOR)
    return {NEVER: never, NEW_VERSION: new_version, EXPIRED: expired}.get(
        reason, never | new_version | expired
    )


def outstanding(
    text: CurrentText,
    *,
    unit: OrgUnit | None = None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> QuerySet[StaffProfile]:
    """The active staff who must acknowledge the text (under `unit`, for `reason`), by unit."""
    now = now or timezone.now()
    queryset = staff_with_acknowledgements(text).filter(_reason_q(text, reason, now))
    if unit is not None:
        queryset = queryset.filter(org_unit__path__startswith=unit.path)
    return queryset.select_related("user", "org_unit").order_by("org_unit__path", "user__username")


def row_reason(profile, text: CurrentText, *, now: datetime.datetime | None = None) -> str:
    """The reason label of one row of `outstanding`."""
    now = now or timezone.now()
    if profile.last_at is None:
        return str(REASONS[NEVER])
    if profile.last_version != text.version:
        return str(REASONS[NEW_VERSION])
    if profile.last_at <= now - VALID_FOR:
        return str(REASONS[EXPIRED])
    return ""


@dataclass
class UnitRow:
    unit: OrgUnit
    staff: int
    outstanding: int
    has_children: bool
    direct: bool = False  # the staff attached to the unit itself, not to a unit below

    @property
    def acknowledged(self) -> int:
        return self.staff - self.outstanding


def by_unit(
    text: CurrentText, *, parent: OrgUnit | None = None, now: datetime.datetime | None = None
) -> tuple[UnitRow, list[UnitRow]]:
    """The total under `parent` (or the company) and one row per unit just below it, each
    counting its whole subtree (three queries)."""
    now = now or timezone.now()
    units = list(OrgUnit.objects.order_by("path"))
    roots = [u for u in units if u.depth == 1]
    if parent is None and len(roots) == 1:
        parent = roots[0]  # one company: its regions are the first rows
    if parent is not None:
        shown = [
            u for u in units if u.path.startswith(parent.path) and u.depth == parent.depth + 1
        ]
    else:
        shown = [u for u in units if u.depth == 1]
    staff = staff_with_acknowledgements(text)
    if parent is not None:
        staff = staff.filter(org_unit__path__startswith=parent.path)
    counts = staff.values("org_unit__path").annotate(
        staff=Count("pk"), outstanding=Count("pk", filter=_reason_q(text, "", now))
    )
    per_path = {row["org_unit__path"]: (row["staff"], row["outstanding"]) for row in counts}

    def summed(path: str) -> tuple[int, int]:
        found = [v for p, v in per_path.items() if p.startswith(path)]
        return sum(v[0] for v in found), sum(v[1] for v in found)

    rows = []
    for unit in shown:
        has_children = any(
            u.depth == unit.depth + 1 and u.path.startswith(unit.path) for u in units
        )
        rows.append(UnitRow(unit, *summed(unit.path), has_children))
    if parent is not None and parent.path in per_path:
        rows.append(UnitRow(parent, *per_path[parent.path], False, direct=True))
    total = UnitRow(
        parent,
        sum(v[0] for v in per_path.values()),
        sum(v[1] for v in per_path.values()),
        False,
    )
    return total, rows


def unit_names() -> dict[int, str]:
    """Every unit's full name ("公司 / 华东区 / 浦东站"), by id, in one query (for exports)."""
    units = list(OrgUnit.objects.order_by("path").only("pk", "path", "name"))
    by_path = {u.path: u for u in units}
    names = {}
    for unit in units:
        steps = range(OrgUnit.steplen, len(unit.path) + 1, OrgUnit.steplen)
        names[unit.pk] = " / ".join(
            by_path[unit.path[:n]].name for n in steps if unit.path[:n] in by_path
        )
    return names


def history(user) -> list[Acknowledgement]:
    """A person's acknowledgements, newest first."""
    return list(Acknowledgement.objects.filter(user_id=user.pk))
