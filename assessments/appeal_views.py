"""Appeals: the person questions a part of their result; HR lists and answers. HTTP only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from assessments.appeal_forms import AnswerForm, AppealFilterForm, AppealForm
from assessments.appeals import appeal_answer, appeal_raise, appeals_for_hr
from assessments.explain import explain
from assessments.models import Appeal, AppealPart, AppealState, AssessmentResult, CycleState
from assessments.my_views import result_context
from assessments.result_selectors import VISIBLE_STATES
from lms.roles import require_hr

APPEALS_PER_PAGE = 50


@login_required
def appeal_raise_view(request, cycle_id: int, part: str):
    """GET: the form, beside the part's explanation; POST: raise the appeal."""
    if part not in AppealPart.values:
        raise Http404
    result = get_object_or_404(
        AssessmentResult.objects.select_related("cycle__policy"),
        cycle_id=cycle_id,
        user=request.user,
        cycle__state__in=VISIBLE_STATES,
    )
    cycle = result.cycle
    explained = next(p for p in explain(result, cycle.policy.policy) if p.part == part)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_raise(
                user=request.user, cycle=cycle, part=part, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Your question was sent to HR; their answer will appear here.")
            )
            return redirect(reverse("assessment:mine_cycle", args=[cycle.pk]) + f"#part-{part}")
    return render(
        request,
        "assessments/appeals/raise.html",
        {
            "form": form,
            "cycle": cycle,
            "part": explained,
            "open": cycle.state == CycleState.COMPUTED,
        },
    )


@login_required
def appeal_list(request):
    require_hr(request.user)
    filters = AppealFilterForm(request.GET or None)
    cycle_id = state = None
    query = ""
    if filters.is_bound and filters.is_valid():
        cycle = filters.cleaned_data["cycle"]
        cycle_id = cycle.pk if cycle else None
        state = filters.cleaned_data["state"] or None
        query = urlencode({k: v for k, v in (("cycle", cycle_id), ("state", state)) if v})
    appeals = appeals_for_hr(cycle_id=cycle_id, state=state)
    page_obj = Paginator(appeals, APPEALS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/appeals/list.html",
        {"filters": filters, "page_obj": page_obj, "query": query},
    )


@login_required
def appeal_detail(request, appeal_id: int):
    """The appeal, the person's current result and its explanation, and the answer form."""
    require_hr(request.user)
    appeal = get_object_or_404(
        Appeal.objects.select_related(
            "cycle__policy", "user__profile__org_unit", "answered_by__profile"
        ),
        pk=appeal_id,
    )
    cycle = appeal.cycle
    finalised = cycle.state == CycleState.FINALISED
    form = AnswerForm(request.POST or None, finalised=finalised)
    if request.method == "POST" and appeal.state == AppealState.OPEN and form.is_valid():
        recompute = form.cleaned_data["recompute"] and not finalised
        try:
            appeal_answer(
                appeal=appeal,
                by=request.user,
                answer=form.cleaned_data["answer"],
                recompute=recompute,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if recompute:
                messages.success(
                    request, _("The answer was saved; the cycle is being computed again.")
                )
            else:
                messages.success(request, _("The answer was saved."))
            return redirect("assessment:appeal_detail", appeal.pk)
    result = (
        AssessmentResult.objects.select_related("cycle__policy", "org_unit")
        .filter(cycle=cycle, user_id=appeal.user_id)
        .first()
    )
    context = {
        "appeal": appeal,
        "cycle": cycle,
        "person": appeal.user,
        "form": form,
        "finalised": finalised,
        "current_score": getattr(result, appeal.part) if result is not None else None,
        "imports_url": reverse("data:import_list"),
    }
    if result is not None:
        context.update(result_context(result, viewer=request.user, own=False, links="person"))
    return render(request, "assessments/appeals/detail.html", context)
