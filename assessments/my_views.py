"""A person's five-part assessment: "My assessment" for the person themself, and the person
page for HR (everyone) and trainers (their org units, read-only). HTTP only; the reads are
the selectors at the top."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from assessments import charts
from assessments.appeals import appeals_of
from assessments.explain import explain, grade_text, reason_text
from assessments.models import AppealState, AssessmentResult, CycleState
from assessments.result_selectors import (
    VISIBLE_STATES,
    average_scores,
    branch_of,
    results_of,
    results_visible_to,
)
from lms.roles import is_hr

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
    hr = is_hr(viewer)
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
    visible = results_visible_to(request.user).filter(
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
