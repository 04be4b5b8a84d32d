"""Reads of cycles and results: a person's results, their branch and its averages, the
dashboard's rows and sums, the appeals."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Avg, Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from assessments.cycles.dashboard import ROW_COLUMNS, Dashboard, Row, Tree, Unit, _row, summarise
from assessments.cycles.feedback import complaint_counts
from assessments.cycles.permissions import READABLE_STATES, VISIBLE_STATES, dashboard_results
from assessments.models.appeals import Appeal, AppealState
from assessments.models.cycles import AssessmentCycle, AssessmentResult
from assessments.scoring.arithmetic import rounded
from assessments.scoring.explain import PARTS_AND_OVERALL
from lms.models.org import OrgUnit, OrgUnitKind
from lms.permissions import staff_scope


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


def org_tree() -> Tree:
    return Tree.of(Unit(*row) for row in OrgUnit.objects.values_list("pk", "path", "name", "kind"))


def units_visible_to(user, tree: Tree) -> list[Unit]:
    """The units whose staff `user` may see, for the filter (units and their subtrees)."""
    scope = staff_scope(user)
    return tree.visible(None if scope.everyone else scope.unit_paths)


def filtered_results(
    cycle: AssessmentCycle, user, *, unit: Unit | None = None, position: str = ""
) -> QuerySet[AssessmentResult]:
    """The cycle's results `user` may see, in `unit` and below (where the person was when the
    cycle was computed) and in `position`, when given."""
    results = dashboard_results(user).filter(cycle=cycle)
    if unit is not None:
        results = results.filter(org_unit__path__startswith=unit.path)
    if position:
        results = results.filter(position=position)
    return results


def result_rows(results: QuerySet[AssessmentResult]) -> list[Row]:
    return [_row(values) for values in results.values_list(*ROW_COLUMNS)]


def previous_cycle(cycle: AssessmentCycle) -> AssessmentCycle | None:
    """The last computed or finalised cycle that started before this one."""
    return (
        AssessmentCycle.objects.filter(state__in=READABLE_STATES, starts_on__lt=cycle.starts_on)
        .order_by("-starts_on", "-pk")
        .first()
    )


def previous_overall(
    previous: AssessmentCycle, user, results: QuerySet[AssessmentResult]
) -> dict[int, Decimal | None]:
    """The overall of the people of `results` in the `previous` cycle, by user id."""
    return dict(
        dashboard_results(user)
        .filter(cycle=previous, user_id__in=results.values("user_id"))
        .values_list("user_id", "overall")
    )


def cycle_dashboard(
    cycle: AssessmentCycle, user, tree: Tree, *, unit: Unit | None, position: str, level: str
) -> Dashboard:
    """Every section of the dashboard in five queries, whatever the number of results."""
    results = filtered_results(cycle, user, unit=unit, position=position)
    rows = result_rows(results)
    previous = previous_cycle(cycle)
    before = previous_overall(previous, user, results) if previous and rows else {}
    complaints = complaint_counts(cycle, results) if rows else []
    return summarise(
        rows,
        tree,
        level=level,
        previous=previous,
        previous_overall=before,
        complaints=complaints,
    )


def open_appeal_count(cycle: AssessmentCycle) -> int:
    """The appeals of a cycle still waiting for HR's answer."""
    return Appeal.objects.filter(cycle=cycle, state=AppealState.OPEN).count()


# Reads -------------------------------------------------------------------------------------


def appeals_of(user, cycle: AssessmentCycle) -> QuerySet[Appeal]:
    """A person's appeals in one cycle, oldest first, with who answered."""
    return (
        Appeal.objects.filter(user=user, cycle=cycle)
        .select_related("answered_by__profile")
        .order_by("created_at", "pk")
    )


def appeals_for_hr(*, cycle_id: int | None = None, state: str | None = None) -> QuerySet[Appeal]:
    """Every appeal, the open ones first and the oldest of them first."""
    appeals = Appeal.objects.select_related("cycle", "user__profile__org_unit").annotate(
        waiting=Case(
            When(state=AppealState.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    if cycle_id is not None:
        appeals = appeals.filter(cycle_id=cycle_id)
    if state:
        appeals = appeals.filter(state=state)
    return appeals.order_by("waiting", "created_at", "pk")


# The home page -----------------------------------------------------------------------------

ANSWERS_SHOWN = 3
ANSWER_RECENT_DAYS = 30


def latest_result_of(user) -> AssessmentResult | None:
    """The person's result in the latest cycle staff may see (computed or finalised). One
    query."""
    return (
        AssessmentResult.objects.filter(user=user, cycle__state__in=VISIBLE_STATES)
        .select_related("cycle")
        .order_by("-cycle__starts_on", "-cycle__created_at", "-cycle_id")
        .first()
    )


def recent_answers_to(user, *, now=None) -> list[Appeal]:
    """HR's answers to the person's questions of the last 30 days, latest first. One query."""
    since = (now or timezone.now()) - datetime.timedelta(days=ANSWER_RECENT_DAYS)
    return list(
        Appeal.objects.filter(user=user, state=AppealState.ANSWERED, answered_at__gte=since)
        .select_related("cycle")
        .order_by("-answered_at", "-pk")[:ANSWERS_SHOWN]
    )
