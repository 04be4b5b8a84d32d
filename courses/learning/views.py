"""The learner's and the managers' learning pages. HTTP only: parse, call a selector or
service, render."""

from __future__ import annotations

from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from courses.acknowledgements import selectors as acknowledgement_selectors
from courses.learning import reports, selectors, services
from courses.learning.forms import AssignmentForm, ReportFilterForm
from courses.learning.permissions import assignment_rule, may_manage_learning
from courses.models.learning import Assignment
from courses.models.pages import CourseIndexPage, CoursePage, LessonPage
from lms.audit import PersonalRecord, audited_rows, personal_listed
from lms.permissions import require
from lms.platform.exports import table_response
from lms.platform.routing import pages_version, reverse_once

PAGE_SIZE = 50


EXPORT_CHUNK = 1000


# Learners ------------------------------------------------------------------


# What the training's pages show (registered in CoursesConfig.ready) ---------------------------


def catalogue_context(page, request, context) -> dict:
    return {"catalogue": selectors.catalogue_for(request.user, page)}


def course_page_context(page, request, context) -> dict:
    return {"progress": selectors.course_progress_for(request.user, page)}


def lesson_page_context(page, request, context) -> dict:
    """The lesson's body, the learner's state in its course, and (for the learner enrolled)
    the visit remembered, so that "continue" comes back here."""
    preview = getattr(request, "is_preview", False)
    version = pages_version(request)
    # The course's outline and the rendered body, both from the cache in one trip.
    outline_key = selectors.lesson_outline_key(page, version)
    body_key = None if preview else page.body_cache_key(version)
    found = cache.get_many([key for key in (outline_key, body_key) if key])
    state = selectors.lesson_state_for(
        request.user, page, version=version, outline=found.get(outline_key)
    )
    added = {"state": state, "body": page.body_html(request, cached=found.get(body_key))}
    if not preview:  # a preview shows no "I have finished" form (nor has an id yet)
        added["complete_url"] = reverse_once("learning:lesson_complete", page.pk)
    if state.enrolled and state.last_lesson_id != page.pk and not preview:
        services.lesson_visited(user=request.user, lesson=page, course_id=state.course.pk)
    return added


# The learning pages ----------------------------------------------------------------------------


@login_required
def my_learning(request):
    """The person's courses. What the page shows of them is kept in the cache, under a key
    that changes whenever any of it does (`selectors.my_learning_key`: one query)."""
    version = pages_version(request)
    key = selectors.my_learning_key(request.user, version=version)
    page = cache.get(key)
    if page is None:
        learning = selectors.my_learning(request.user, version=version)
        context = {"l": learning}
        page = {
            "reminders": selectors.reminder_lines(learning),
            "overdue_count": learning.overdue_count,
            "courses_html": render_to_string("courses/includes/my_learning_courses.html", context),
            "completed_html": render_to_string(
                "courses/includes/my_learning_completed.html", context
            ),
        }
        if not learning.read_requirements:  # a test passed changes no row of the key's
            cache.set(key, page, selectors.MY_LEARNING_TIMEOUT)
    confidentiality = acknowledgement_selectors.due_for(request.user, request)
    return render(
        request,
        "courses/my_learning.html",
        {"page": page, "confidentiality": confidentiality},
    )


@login_required
@require_POST
def course_start(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        services.course_start(user=request.user, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(course.url)
    progress = selectors.course_progress_for(request.user, course)
    return redirect(progress.continue_url or course.url)


@login_required
@require_POST
def lesson_complete(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        services.lesson_complete(user=request.user, lesson=lesson)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(lesson.url)
    state = selectors.lesson_state_for(request.user, lesson)
    messages.success(request, _("Lesson completed."))
    if state.next is not None:
        return redirect(state.next.url)
    return redirect(state.course.url if state.course else lesson.url)


@login_required
@require_POST
def reminder_dismiss(request, reminder_id: int):
    services.reminder_dismiss(user=request.user, reminder_id=reminder_id)
    return redirect("learning:my_learning")


def search(request):
    query = request.GET.get("q", "").strip()[:100]
    results = selectors.search_lessons(query, user=request.user) if query else []
    return render(request, "courses/search.html", {"query": query, "results": results})


# Assignments ---------------------------------------------------------------


@login_required
def assignment_list(request):
    require(may_manage_learning(request.user))
    assignments = (
        Assignment.objects.filter(assignment_rule.readable(request.user))
        .select_related("course", "org_unit", "created_by__profile")
        .prefetch_related("people__profile")
    )
    page_obj = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "courses/assignment_list.html", {"page_obj": page_obj})


@login_required
def assignment_create(request):
    require(may_manage_learning(request.user))
    initial = {"employee_numbers": request.GET.get("employee", "")}
    form = AssignmentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.assignment_create(
                by=request.user,
                course=data["course"],
                people=data["people"],
                org_unit=data["org_unit"],
                position=data["position"],
                hired_within_days=data["hired_within_days"],
                due_on=data["due_on"],
                due_days_after_hire=data["due_days_after_hire"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Assigned %(course)s: %(count)d people enrolled.")
                % {"course": data["course"].title, "count": result.enrolled},
            )
            return redirect("learning:assignment_list")
    return render(request, "courses/assignment_form.html", {"form": form})


@login_required
@require_POST
def assignment_cancel(request, assignment_id: int):
    require(may_manage_learning(request.user))
    assignment = get_object_or_404(
        Assignment.objects.filter(assignment_rule.readable(request.user)),
        pk=assignment_id,
    )
    withdrawn = services.assignment_cancel(assignment=assignment, by=request.user)
    messages.success(
        request,
        _("Assignment cancelled; %(count)d enrolments not yet started were withdrawn.")
        % {"count": withdrawn},
    )
    return redirect("learning:assignment_list")


# Reports -------------------------------------------------------------------


def _report_filters(request) -> ReportFilterForm:
    form = ReportFilterForm(request.GET or None, user=request.user)
    form.is_valid()
    return form


@login_required
def report(request):
    require(may_manage_learning(request.user))
    form = _report_filters(request)
    data = getattr(form, "cleaned_data", {})
    unit, course = data.get("unit"), data.get("course")
    if request.GET.get("format") in ("csv", "xlsx"):
        return _export_summary(request, unit, course)
    total, unit_rows = reports.by_unit(request.user, parent=unit, course=course)
    context = {
        "form": form,
        "unit": unit,
        "course": course,
        "total": total,
        "unit_rows": unit_rows,
        "course_rows": reports.by_course(request.user, unit=unit),
        "query": request.GET.urlencode(),
    }
    return render(request, "courses/report.html", context)


@login_required
def report_people(request):
    require(may_manage_learning(request.user))
    form = _report_filters(request)
    data = getattr(form, "cleaned_data", {})
    queryset = reports.people(
        request.user,
        unit=data.get("unit"),
        course=data.get("course"),
        status=data.get("status", ""),
    )
    scope = _report_scope(data)
    if request.GET.get("format") in ("csv", "xlsx"):
        return _export_people(request, request.GET["format"], queryset, scope)
    query = request.GET.copy()
    query.pop("page", None)
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = reports.with_progress(page_obj.object_list)
    personal_listed(
        request=request,
        record=PersonalRecord.PROGRESS,
        people=len({row.enrolment.user_id for row in rows}),
        scope={**scope, "page": page_obj.number},
    )
    context = {
        "form": form,
        "page_obj": page_obj,
        "rows": rows,
        "query": query.urlencode(),
    }
    return render(request, "courses/report_people.html", context)


def _people_rows(queryset):
    iterator = queryset.iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(iterator, EXPORT_CHUNK)):
        for row in reports.with_progress(chunk):
            e = row.enrolment
            profile = e.user.profile
            yield [
                e.user.username,
                profile.full_name,
                " / ".join(profile.org_unit.full_path_names()),
                profile.get_position_display(),
                e.course.title,
                e.get_source_display(),
                e.due_on,
                row.percent,
                e.completed_at,
                _("Overdue") if row.overdue else "",
                e.assignment.reason if e.assignment is not None else "",
            ]


def _report_scope(data: dict) -> dict:
    """The report's filters, for the audit log."""
    unit, course = data.get("unit"), data.get("course")
    return {
        "unit": unit.pk if unit is not None else None,
        "course": course.pk if course is not None else None,
        "status": data.get("status", ""),
    }


def _export_people(request, fmt: str, queryset, scope: dict):
    headers = [
        _("Employee number"),
        pgettext("person", "Name"),
        _("Org unit"),
        _("Position"),
        _("Course"),
        _("Source"),
        _("Due date"),
        _("Progress (%)"),
        _("Completed at"),
        _("Overdue"),
        _("Why"),
    ]
    rows = audited_rows(
        _people_rows(queryset),
        request=request,
        record=PersonalRecord.PROGRESS,
        scope={**scope, "format": fmt},
    )
    return table_response(fmt, "learning-progress", headers, rows, _("Progress"))


def _export_summary(request, unit, course):
    total, unit_rows = reports.by_unit(request.user, parent=unit, course=course)
    headers = [
        _("Org unit"),
        _("Enrolled"),
        _("Completed"),
        _("Completion rate (%)"),
        _("Overdue"),
    ]
    rows = [
        [
            _("%(unit)s itself") % {"unit": r.unit.name} if r.direct else r.unit.name,
            r.counts.enrolled,
            r.counts.completed,
            r.counts.rate,
            r.counts.overdue,
        ]
        for r in unit_rows
    ]
    rows.append([_("Total"), total.enrolled, total.completed, total.rate, total.overdue])
    rows.append([])
    rows.append(
        [_("Course"), _("Enrolled"), _("Completed"), _("Completion rate (%)"), _("Overdue")]
    )
    for c, counts in reports.by_course(request.user, unit=unit):
        rows.append([c.title, counts.enrolled, counts.completed, counts.rate, counts.overdue])
    return table_response(request.GET["format"], "learning-summary", headers, rows, _("Summary"))


def catalogue(request):
    """The course catalogue, wherever the editors put it."""
    from django.http import Http404

    index = CourseIndexPage.objects.live().order_by("path").first()
    if index is None:
        raise Http404
    return redirect(index.url)
