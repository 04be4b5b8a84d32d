"""The pages of cycles: HR's list, computing and finalising; the dashboard and export; a
person's own results and appeals, and HR's answers. HTTP only."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.cycles import charts, dashboard, export, feedback, permissions, selectors
from assessments.cycles.compute import cycle_last_failure, cycle_progress
from assessments.cycles.dashboard import Tree
from assessments.cycles.forms import AnswerForm, AppealFilterForm, AppealForm, CycleForm
from assessments.cycles.permissions import VISIBLE_STATES, results_visible_to
from assessments.cycles.selectors import (
    appeals_for_hr,
    appeals_of,
    average_scores,
    branch_of,
    open_appeal_count,
    results_of,
)
from assessments.cycles.services import (
    appeal_answer,
    appeal_raise,
    cycle_change_policy,
    cycle_create,
    cycle_finalise,
    cycle_start_computing,
)
from assessments.models.appeals import Appeal, AppealPart, AppealState
from assessments.models.cycles import AssessmentCycle, AssessmentResult, CycleState
from assessments.scoring.explain import explain, grade_text, reason_text
from assessments.scoring.selectors import policy_newer_than, policy_of_id
from lms.audit import (
    PersonalRecord,
    audited_rows,
    personal_listed,
    personal_viewed,
)
from lms.models.accounts import Position
from lms.models.org import OrgUnitKind
from lms.permissions import require
from lms.platform.exports import table_response

RESULTS_PER_PAGE = 100


GRADES = {
    "excellent": gettext_lazy("Excellent"),
    "good": gettext_lazy("Good"),
    "pass": gettext_lazy("Pass"),
    "fail": gettext_lazy("Fail"),
}


def _cycle(request, cycle_id: int) -> AssessmentCycle:
    require(permissions.may_run_cycles(request.user))
    return get_object_or_404(
        AssessmentCycle.objects.select_related("policy", "finalised_by__profile"), pk=cycle_id
    )


@login_required
def cycle_list(request):
    require(permissions.can_read_cycles(request.user))
    cycles = permissions.cycles_visible_to(request.user)
    page_obj = Paginator(cycles, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/cycles/list.html",
        {"page_obj": page_obj, "query": "", "is_hr": permissions.may_run_cycles(request.user)},
    )


@login_required
def cycle_create_view(request):
    require(permissions.may_run_cycles(request.user))
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
            return redirect("cycles:cycle_detail", cycle.pk)
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
    cycle = permissions.readable_cycle(request.user, cycle_id)
    percent = cycle_progress(cycle)
    visible = permissions.dashboard_results(request.user).filter(cycle=cycle)
    results = visible.select_related("user__profile", "org_unit").order_by(
        "org_unit__name", "user__username"
    )
    page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    for result in page_obj:
        result.grade_label = GRADES.get(result.grade, "")
    personal_listed(
        request=request,
        record=PersonalRecord.RESULTS,
        people=len(page_obj),
        scope={"cycle": cycle.pk, "page": page_obj.number},
        target=cycle,
    )
    return render(
        request,
        "assessments/cycles/detail.html",
        {
            "cycle": cycle,
            "quizzes": cycle.required_quizzes.order_by("title").only("pk", "title"),
            "counts": _counts(visible),
            "is_hr": permissions.may_run_cycles(request.user),
            "newer_policy": policy_newer_than(cycle.policy),
            "running": percent is not None,
            "percent": percent or 0,
            "last_failure": cycle_last_failure(cycle) if percent is None else "",
            "page_obj": page_obj,
            "query": "",
        },
    )


@login_required
def cycle_status(request, cycle_id: int):
    cycle = permissions.readable_cycle(request.user, cycle_id)
    percent = cycle_progress(cycle)
    return JsonResponse({"state": cycle.state, "running": percent is not None, "percent": percent})


@login_required
@require_POST
def cycle_compute_view(request, cycle_id: int):
    """Compute the cycle again; with `policy`, by that policy version from now on."""
    cycle = _cycle(request, cycle_id)
    if cycle.state == CycleState.FINALISED:
        messages.error(request, _("This cycle is finalised: its results can no longer change."))
        return redirect("cycles:cycle_detail", cycle.pk)
    if request.POST.get("policy"):
        policy = policy_of_id(request.POST["policy"])
        if policy is None:
            messages.error(request, _("Choose an existing policy version."))
            return redirect("cycles:cycle_detail", cycle.pk)
        cycle = cycle_change_policy(cycle, policy=policy, by=request.user)
    if not cycle_start_computing(cycle, by=request.user):
        messages.info(request, _("This cycle is being computed already."))
    return redirect("cycles:cycle_detail", cycle.pk)


@login_required
def cycle_finalise_view(request, cycle_id: int):
    cycle = _cycle(request, cycle_id)
    if cycle.state != CycleState.COMPUTED or cycle_progress(cycle) is not None:
        messages.error(request, _("Only a computed cycle can be finalised."))
        return redirect("cycles:cycle_detail", cycle.pk)
    if request.method == "POST":
        try:
            cycle_finalise(cycle, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The cycle is finalised: its results are locked."))
        return redirect("cycles:cycle_detail", cycle.pk)
    return render(
        request,
        "assessments/cycles/finalise.html",
        {
            "cycle": cycle,
            "counts": _counts(AssessmentResult.objects.filter(cycle=cycle)),
            "open_appeals": open_appeal_count(cycle),
        },
    )


MISSING_PER_PAGE = 50


DEFAULT_LEVEL = OrgUnitKind.STATION


class DashboardFilter(forms.Form):
    """Which results the dashboard and the export show: by GET, so that a view is a link."""

    unit = forms.ChoiceField(label=gettext_lazy("Org unit (and below)"), required=False)
    position = forms.ChoiceField(
        label=gettext_lazy("Position"),
        required=False,
        choices=[("", gettext_lazy("All positions")), *Position.choices],
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Averages by"), required=False, choices=OrgUnitKind.choices
    )

    def __init__(self, data, *, units: list[dashboard.Unit]):
        data = data.copy()
        if not data.get("level"):
            data["level"] = DEFAULT_LEVEL
        super().__init__(data)
        self.units = {str(unit.pk): unit for unit in units}
        indented = ((key, "\u3000" * (u.depth - 1) + u.name) for key, u in self.units.items())
        self.fields["unit"].choices = [("", _("All units")), *indented]

    def chosen(self) -> tuple[dashboard.Unit | None, str, str]:
        """The valid choices (unit, position, level); what is not valid is left out."""
        self.is_valid()
        data = self.cleaned_data
        return (
            self.units.get(data.get("unit") or ""),
            data.get("position") or "",
            data.get("level") or DEFAULT_LEVEL,
        )


def _filters(request, tree: Tree) -> DashboardFilter:
    return DashboardFilter(request.GET, units=selectors.units_visible_to(request.user, tree))


@login_required
def cycle_dashboard(request, cycle_id: int):
    cycle = permissions.readable_cycle(request.user, cycle_id)
    tree = selectors.org_tree()
    filters = _filters(request, tree)
    unit, position, level = filters.chosen()
    board = selectors.cycle_dashboard(
        cycle, request.user, tree, unit=unit, position=position, level=level
    )
    no_data = _("no data")
    parts = [
        (stats, charts.histogram(list(stats.values), title=str(stats.label)))
        for stats in board.parts
    ]
    units_chart = charts.bar_list(
        [(average.label, average.overall) for average in board.units],
        title=_("Overall by org unit"),
        no_data_label=no_data,
    )
    query = request.GET.copy()
    query.pop("missing_page", None)
    missing_page = Paginator(board.missing, MISSING_PER_PAGE).get_page(
        request.GET.get("missing_page")
    )
    if missing_page.object_list:  # names the people with missing data
        personal_listed(
            request=request,
            record=PersonalRecord.RESULTS,
            people=len(missing_page),
            scope=_scope(cycle, unit, position, missing_page=missing_page.number),
            target=cycle,
        )
    return render(
        request,
        "assessments/dashboard/dashboard.html",
        {
            "cycle": cycle,
            "filters": filters,
            "board": board,
            "parts": parts,
            "units_chart": units_chart,
            "level_label": dict(OrgUnitKind.choices)[level],
            "missing_page": missing_page,
            "query": query.urlencode(),
            "is_hr": permissions.may_run_cycles(request.user),
        },
    )


@login_required
def cycle_export(request, cycle_id: int):
    cycle = permissions.readable_cycle(request.user, cycle_id)
    tree = selectors.org_tree()
    filters = _filters(request, tree)
    if not filters.is_valid():
        message = _("The filters are not valid: %(errors)s") % {
            "errors": " ".join(e for errors in filters.errors.values() for e in errors)
        }
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    unit, position, _level = filters.chosen()
    results = selectors.filtered_results(cycle, request.user, unit=unit, position=position)
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    return table_response(
        fmt,
        f"cycle-{cycle.pk}-results",
        export.export_headers(),
        audited_rows(
            export.export_rows(results, tree, cycle.policy.policy),
            request=request,
            record=PersonalRecord.RESULTS,
            scope=_scope(cycle, unit, position, format=fmt),
            target=cycle,
        ),
        _("Results"),
    )


def _scope(cycle, unit, position: str, **more) -> dict:
    """What a dashboard or export showed, for the audit log."""
    return {
        "cycle": cycle.pk,
        "unit": unit.pk if unit is not None else None,
        "position": position,
        **more,
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
    hr = permissions.may_run_cycles(viewer)
    sections = []
    for part in parts:
        part_appeals = by_part.get(part.part, [])
        waiting = any(a.state == AppealState.OPEN for a in part_appeals)
        sections.append(
            {
                "part": part,
                "appeals": part_appeals,
                "question_url": reverse("cycles:appeal_raise", args=[cycle.pk, part.part])
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


def _other_params(request, param: str) -> str:
    """The page's query without `param`, for the links of one list's pages."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


def _comments(request, result: AssessmentResult, *, sourced: bool) -> dict:
    return {
        "comments": feedback.comments_of(
            result.user_id, result.cycle, page=request.GET.get("comments"), sourced=sourced
        ),
        "comments_query": _other_params(request, "comments"),
    }


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
    context.update(_comments(request, result, sourced=False))
    return render(request, "assessments/mine/detail.html", context)


@login_required
def person(request, cycle_id: int, user_id: int):
    """One person's result in a cycle, with their customers' comments and the complaints about
    them in its period: HR everyone, trainers their org units' staff; anyone else gets the same
    404 whether the result exists or not. The audit records how many of each were shown."""
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
    shown = _comments(request, result, sourced=True)
    shown["complaints"] = feedback.complaints_of(
        result.user_id, result.cycle, page=request.GET.get("complaints")
    )
    shown["complaints_query"] = _other_params(request, "complaints")
    personal_viewed(
        request=request,
        subject=result.user,
        record=PersonalRecord.RESULT,
        target=result.cycle,
        details={
            "result": result.pk,
            "comments": len(shown["comments"]),
            "complaints": len(shown["complaints"]),
        },
    )
    context = result_context(result, viewer=request.user, own=False, links="person")
    context["history"] = _history(results, result)
    context["person"] = result.user
    context.update(shown)
    return render(request, "assessments/person.html", context)


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
            return redirect(reverse("cycles:mine_cycle", args=[cycle.pk]) + f"#part-{part}")
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
    require(permissions.may_run_cycles(request.user))
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
    require(permissions.may_run_cycles(request.user))
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
            return redirect("cycles:appeal_detail", appeal.pk)
    result = (
        AssessmentResult.objects.select_related("cycle__policy", "org_unit")
        .filter(cycle=cycle, user_id=appeal.user_id)
        .first()
    )
    personal_viewed(
        request=request,
        subject=appeal.user,
        record=PersonalRecord.APPEAL,
        target=cycle,
        details={"appeal": appeal.pk, "part": appeal.part},
    )
    context = {
        "appeal": appeal,
        "cycle": cycle,
        "person": appeal.user,
        "form": form,
        "finalised": finalised,
        "current_score": getattr(result, appeal.part) if result is not None else None,
        "imports_url": reverse("imports:import_list"),
    }
    if result is not None:
        context.update(result_context(result, viewer=request.user, own=False, links="person"))
    return render(request, "assessments/appeals/detail.html", context)
