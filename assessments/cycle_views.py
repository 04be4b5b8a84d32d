"""Assessment cycles: HR lists, creates, computes (in the background) and finalises them;
trainers read the computed and finalised ones, for the staff they follow. HTTP only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments import dashboard
from assessments.appeals import open_appeal_count
from assessments.cycle_forms import CycleForm
from assessments.cycles import (
    cycle_create,
    cycle_finalise,
    cycle_progress,
    cycle_start_computing,
)
from assessments.models import AssessmentCycle, AssessmentResult, CycleState
from lms.roles import is_hr, require_hr

RESULTS_PER_PAGE = 100
GRADES = {
    "excellent": gettext_lazy("Excellent"),
    "good": gettext_lazy("Good"),
    "pass": gettext_lazy("Pass"),
    "fail": gettext_lazy("Fail"),
}


def _cycle(request, cycle_id: int) -> AssessmentCycle:
    require_hr(request.user)
    return get_object_or_404(
        AssessmentCycle.objects.select_related("policy", "finalised_by__profile"), pk=cycle_id
    )


def _require_reader(user) -> None:
    if not dashboard.can_read_cycles(user):
        raise PermissionDenied


@login_required
def cycle_list(request):
    _require_reader(request.user)
    cycles = dashboard.cycles_visible_to(request.user)
    page_obj = Paginator(cycles, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/cycles/list.html",
        {"page_obj": page_obj, "query": "", "is_hr": is_hr(request.user)},
    )


@login_required
def cycle_create_view(request):
    require_hr(request.user)
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = cycle_create(
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                policy=data["policy"],
                quizzes=data["quizzes"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The cycle was created; compute it when its data is in."))
            return redirect("assessment:cycle_detail", cycle.pk)
    return render(request, "assessments/cycles/create.html", {"form": form})


def _counts(results) -> dict:
    grade_counts = {code: Count("pk", filter=Q(grade=code)) for code in GRADES}
    counts = results.aggregate(
        people=Count("pk"), eligible=Count("pk", filter=Q(eligible=True)), **grade_counts
    )
    counts["grades"] = [(GRADES[code], counts.pop(code)) for code in GRADES]
    return counts


@login_required
def cycle_detail(request, cycle_id: int):
    cycle = dashboard.readable_cycle(request.user, cycle_id)
    percent = cycle_progress(cycle)
    visible = dashboard.dashboard_results(request.user).filter(cycle=cycle)
    results = visible.select_related("user__profile", "org_unit").order_by(
        "org_unit__name", "user__username"
    )
    page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    for result in page_obj:
        result.grade_label = GRADES.get(result.grade, "")
    return render(
        request,
        "assessments/cycles/detail.html",
        {
            "cycle": cycle,
            "quizzes": cycle.required_quizzes.order_by("title").only("pk", "title"),
            "counts": _counts(visible),
            "is_hr": is_hr(request.user),
            "running": percent is not None,
            "percent": percent or 0,
            "page_obj": page_obj,
            "query": "",
        },
    )


@login_required
def cycle_status(request, cycle_id: int):
    cycle = dashboard.readable_cycle(request.user, cycle_id)
    percent = cycle_progress(cycle)
    return JsonResponse({"state": cycle.state, "running": percent is not None, "percent": percent})


@login_required
@require_POST
def cycle_compute_view(request, cycle_id: int):
    cycle = _cycle(request, cycle_id)
    if cycle.state == CycleState.FINALISED:
        messages.error(request, _("This cycle is finalised: its results can no longer change."))
    elif not cycle_start_computing(cycle):
        messages.info(request, _("This cycle is being computed already."))
    return redirect("assessment:cycle_detail", cycle.pk)


@login_required
def cycle_finalise_view(request, cycle_id: int):
    cycle = _cycle(request, cycle_id)
    if cycle.state != CycleState.COMPUTED or cycle_progress(cycle) is not None:
        messages.error(request, _("Only a computed cycle can be finalised."))
        return redirect("assessment:cycle_detail", cycle.pk)
    if request.method == "POST":
        try:
            cycle_finalise(cycle, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The cycle is finalised: its results are locked."))
        return redirect("assessment:cycle_detail", cycle.pk)
    return render(
        request,
        "assessments/cycles/finalise.html",
        {
            "cycle": cycle,
            "counts": _counts(AssessmentResult.objects.filter(cycle=cycle)),
            "open_appeals": open_appeal_count(cycle),
        },
    )
