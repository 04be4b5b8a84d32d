"""Reads of assessment results shared by the staff's pages and the certificates: a person's
results, their branch, and a branch's average of every part."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, QuerySet

from assessments.explain import PARTS_AND_OVERALL
from assessments.models import AssessmentResult, CycleState
from assessments.scoring import rounded
from lms.models import OrgUnit
from lms.models.org import OrgUnitKind
from lms.permissions import person_visibility

VISIBLE_STATES = (CycleState.COMPUTED, CycleState.FINALISED)  # the cycles staff may see


def results_of(user_id: int) -> list[AssessmentResult]:
    """A person's results in the cycles staff may see (computed or finalised), newest first."""
    return list(
        AssessmentResult.objects.filter(user_id=user_id, cycle__state__in=VISIBLE_STATES)
        .select_related("cycle__policy", "org_unit")
        .order_by("-cycle__starts_on", "-cycle__created_at", "-cycle_id")
    )


def branch_of(unit: OrgUnit | None) -> OrgUnit | None:
    """The branch (station) a unit belongs to: itself, or the nearest station above it."""
    if unit is None:
        return None
    if unit.kind == OrgUnitKind.STATION:
        return unit
    step = OrgUnit.steplen
    prefixes = [unit.path[:end] for end in range(step, len(unit.path), step)]
    return (
        OrgUnit.objects.filter(path__in=prefixes, kind=OrgUnitKind.STATION)
        .order_by("-depth")
        .first()
    )


def average_scores(cycle, branch: OrgUnit | None) -> dict[str, Decimal | None]:
    """The mean of every part over the cycle's results in the branch (the whole company
    without one), in one aggregate query."""
    results = AssessmentResult.objects.filter(cycle=cycle)
    if branch is not None:
        results = results.filter(org_unit__path__startswith=branch.path)
    means = results.aggregate(**{part: Avg(part) for part in PARTS_AND_OVERALL})
    return {
        part: None if value is None else rounded(Decimal(str(value)))
        for part, value in means.items()
    }


def results_visible_to(user) -> QuerySet[AssessmentResult]:
    """The results of the staff `user` may see (lms.permissions: everyone for HR, a
    trainer's units, one's own)."""
    return AssessmentResult.objects.filter(person_visibility.q(user))
