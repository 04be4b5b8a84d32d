"""What a certificate says, kept with it when it is issued: the person, the course or the
cycle's five parts, the dates."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.utils import timezone

from assessments.cycles.selectors import average_scores, branch_of
from assessments.models.certificates import Certificate, CertificateTemplate
from assessments.models.cycles import AssessmentCycle, AssessmentResult
from assessments.scoring.explain import PARTS_AND_OVERALL
from courses.models.learning import Enrolment
from lms.models.accounts import User
from lms.models.org import OrgUnit

# What a certificate says ---------------------------------------------------------------------


def subject_of(certificate: Certificate) -> str:
    """The course's title or the cycle's name as the certificate says it (its snapshot)."""
    content = certificate.content or {}
    if certificate.course_id:
        return (content.get("course") or {}).get("title") or certificate.course.title
    return (content.get("cycle") or {}).get("name") or (
        certificate.cycle.name if certificate.cycle_id else ""
    )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` so many months later (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def expiry_for(template: CertificateTemplate, issued_on: datetime.date) -> datetime.date | None:
    if not template.valid_months:
        return None
    return add_months(issued_on, template.valid_months)


def unit_path(unit: OrgUnit | None, known: dict[int, str] | None = None) -> str:
    """The unit from the region down, e.g. "华东区 / 上海浦东站 / 浦东收派一组" (the company,
    whose certificate it is, left out unless the person belongs to it directly). `known`:
    the paths found so far, by unit (one query per unit, not per person)."""
    if unit is None:
        return ""
    if known is not None and unit.pk in known:
        return known[unit.pk]
    names = unit.full_path_names()
    path = " / ".join(names[1:] if len(names) > 1 else names)
    if known is not None:
        known[unit.pk] = path
    return path


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _person(user: User, unit: OrgUnit | None, position: str, paths=None) -> dict:
    profile = getattr(user, "profile", None)
    return {
        "name": profile.full_name if profile is not None else user.display_name,
        "employee_number": user.username,
        "org_unit": unit_path(unit, paths),
        "position": position,
    }


def _dates(issued_on: datetime.date, expires_on: datetime.date | None) -> dict:
    return {
        "issued_on": issued_on.isoformat(),
        "expires_on": expires_on.isoformat() if expires_on else None,
    }


def course_content(
    enrolment: Enrolment, issued_on: datetime.date, expires_on: datetime.date | None
) -> dict:
    """What a course certificate says (`enrolment` with its user's profile and unit)."""
    user = enrolment.user
    profile = getattr(user, "profile", None)
    completed = enrolment.completed_at or timezone.now()
    return {
        **_person(
            user,
            profile.org_unit if profile is not None else None,
            profile.position if profile is not None else "",
        ),
        **_dates(issued_on, expires_on),
        "course": {
            "title": enrolment.course.title,
            "completed_on": timezone.localdate(completed).isoformat(),
        },
    }


class _BranchAverages:
    """The mean of every part over a cycle's results in each branch (station), for the
    radar's dashed line; one aggregate query per branch met, however many people."""

    def __init__(self, cycle: AssessmentCycle):
        self.cycle = cycle
        self.paths: dict[int, str] = {}  # the units' paths, for `unit_path`
        self._branches: dict[int | None, OrgUnit | None] = {}
        self._means: dict[int | None, dict] = {}

    def of(self, unit: OrgUnit | None) -> tuple[OrgUnit | None, dict[str, str | None]]:
        key = unit.pk if unit is not None else None
        if key not in self._branches:
            self._branches[key] = branch_of(unit)
        branch = self._branches[key]
        branch_key = branch.pk if branch is not None else None
        if branch_key not in self._means:
            means = average_scores(self.cycle, branch)
            self._means[branch_key] = {part: _decimal(means[part]) for part in PARTS_AND_OVERALL}
        return branch, self._means[branch_key]


def cycle_content(
    result: AssessmentResult,
    issued_on: datetime.date,
    expires_on: datetime.date | None,
    averages: _BranchAverages | None = None,
) -> dict:
    """What an assessment certificate says: the person as the cycle found them (unit and
    position), the cycle, the five parts, the grade and the branch's averages."""
    cycle = result.cycle
    averages = averages or _BranchAverages(cycle)
    branch, means = averages.of(result.org_unit)
    return {
        **_person(result.user, result.org_unit, result.position, averages.paths),
        **_dates(issued_on, expires_on),
        "cycle": {
            "name": cycle.name,
            "starts_on": cycle.starts_on.isoformat(),
            "ends_on": cycle.ends_on.isoformat(),
            "grade": result.grade or None,
            "eligible": result.eligible,
            "parts": {part: _decimal(getattr(result, part)) for part in PARTS_AND_OVERALL},
            "branch": branch.name if branch is not None else None,
            "branch_average": means,
        },
    }
