"""A person's five-part assessment: "My assessment" for the person themself, and the person
page for HR (everyone) and trainers (their org units, read-only). HTTP only; the reads are
the selectors at the top."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Avg
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments import charts
from assessments.appeals import appeals_of
from assessments.explain import PARTS_AND_OVERALL, explain, grade_text, reason_text
from assessments.models import AppealState, AssessmentResult, CycleState
from lms.models import OrgUnit
from lms.models.org import OrgUnitKind
from lms.permissions import StaffVisibility
from lms.roles import HR_ROLES, roles_of

VISIBLE_STATES = (CycleState.COMPUTED, CycleState.FINALISED)
ONE_PLACE = Decimal("0.1")
result_visibility = StaffVisibility(via="user__profile")


# Selectors ---------------------------------------------------------------------------------


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
        part: None
        if value is None
        else Decimal(str(value)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
        for part, value in means.items()
    }


# The page ----------------------------------------------------------------------------------


def result_context(result: AssessmentResult, *, viewer, own: bool, links: str) -> dict:
    """Everything the result pages show of one result. `own`: the person looks at their own
    result (and may question it); `links`: where the other cycles lead ("mine" or
    "person")."""
    cycle = result.cycle
    policy = cycle.policy.policy
    parts = explain(result, policy)
    appeals = list(appeals_of(result.user_id, cycle))
    by_part = defaultdict(list)
    for appeal in appeals:
        by_part[appeal.part].append(appeal)
    can_question = own and cycle.state == CycleState.COMPUTED
    hr = bool(roles_of(viewer) & HR_ROLES)
    sections = []
    for part in parts:
        part_appeals = by_part.get(part.part, [])
        waiting = any(a.state == AppealState.OPEN for a in part_appeals)
        sections.append(
            {
                "part": part,
                "appeals": part_appeals,
                "question_url": reverse("assessment:appeal_raise", args=[cycle.pk, part.part])
                if can_question and not waiting
                else "",
            }
        )
    branch = branch_of(result.org_unit)
    averages = average_scores(cycle, branch)
    compare_label = (
        _("Average of %(branch)s") % {"branch": branch.name}
        if branch is not None
        else _("Company average")
    )
    radar = charts.radar(
        [(part.label, part.score) for part in parts],
        compare=[averages[part.part] for part in parts],
        compare_label=compare_label,
        title=_("Your five parts") if own else _("The five parts"),
        no_data_label=_("no data"),
    )
    return {
        "result": result,
        "cycle": cycle,
        "provisional": cycle.state == CycleState.COMPUTED,
        "parts": parts,
        "overall": parts[-1],
        "sections": sections,
        "grade_label": grade_text(result.grade or None),
        "reasons": [reason_text(code, policy) for code in result.reasons],
        "radar": radar,
        "compare_label": compare_label,
        "averages": [(part.label, averages[part.part]) for part in parts],
        "own": own,
        "hr": hr,
        "links": links,
    }


def _history(results: list[AssessmentResult], current: AssessmentResult) -> list[dict]:
    return [
        {
            "result": result,
            "grade_label": grade_text(result.grade or None),
            "current": result.pk == current.pk,
        }
        for result in results
    ]


@login_required
def my_assessment(request, cycle_id: int | None = None):
    results = results_of(request.user.pk)
    if cycle_id is None:
        result = results[0] if results else None
    else:
        result = next((r for r in results if r.cycle_id == cycle_id), None)
        if result is None:
            raise Http404
    if result is None:
        return render(request, "assessments/mine/empty.html")
    context = result_context(result, viewer=request.user, own=True, links="mine")
    context["history"] = _history(results, result)
    return render(request, "assessments/mine/detail.html", context)


@login_required
def person(request, cycle_id: int, user_id: int):
    """One person's result in a cycle: HR everyone, trainers their org units' staff; anyone
    else gets the same 404 whether the result exists or not."""
    visible = AssessmentResult.objects.filter(result_visibility.q(request.user)).filter(
        cycle__state__in=VISIBLE_STATES, user_id=user_id
    )
    results = list(
        visible.select_related("cycle__policy", "org_unit", "user__profile").order_by(
            "-cycle__starts_on", "-cycle__created_at", "-cycle_id"
        )
    )
    result = next((r for r in results if r.cycle_id == cycle_id), None)
    if result is None:
        raise Http404
    context = result_context(result, viewer=request.user, own=False, links="person")
    context["history"] = _history(results, result)
    context["person"] = result.user
    return render(request, "assessments/person.html", context)
