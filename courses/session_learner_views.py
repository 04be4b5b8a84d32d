"""The learner's side of live training: sessions, sign-ups, calendars and drill results.

HTTP only: reads come from `courses.session_selectors`, writes go through
`courses.sessions`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courses import calendar, session_selectors, sessions
from courses.models import CoursePage, DrillPage, SessionKind, TrainingSession


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# Sessions --------------------------------------------------------------------------------


@login_required
@require_GET
def session_list(request):
    kind = request.GET.get("kind", "")
    if kind not in SessionKind.values:
        kind = ""
    course_id = _int_or_none(request.GET.get("course"))
    drill_id = _int_or_none(request.GET.get("drill"))
    rows = session_selectors.upcoming_sessions_for(
        request.user, kind=kind, course_id=course_id, drill_id=drill_id
    )
    course = drill = None
    if course_id is not None:
        course = CoursePage.objects.filter(pk=course_id).only("pk", "title").first()
    if drill_id is not None:
        drill = DrillPage.objects.filter(pk=drill_id).only("pk", "title").first()
    return render(
        request,
        "courses/sessions/session_list.html",
        {
            "days": session_selectors.by_day(rows),
            "kinds": SessionKind.choices,
            "kind": kind,
            "course": course,
            "drill": drill,
        },
    )


@login_required
@require_GET
def session_detail(request, session_id: int):
    row = session_selectors.session_for(request.user, session_id)
    return render(request, "courses/sessions/session_detail.html", {"row": row})


def _back(session_id: int):
    return redirect("courses:session_detail", session_id=session_id)


@login_required
@require_POST
def session_signup(request, session_id: int):
    session = get_object_or_404(TrainingSession, pk=session_id)
    try:
        result = sessions.signup_create(session=session, user=request.user)
    except sessions.SessionError as error:
        messages.error(request, " ".join(error.messages))
        return _back(session_id)
    if result.waiting_place is None:
        messages.success(request, _("You have a place in this session."))
    else:
        messages.info(
            request,
            _("The session is full: you are on the waiting list, place %(place)d.")
            % {"place": result.waiting_place},
        )
    return _back(session_id)


@login_required
@require_POST
def session_cancel(request, session_id: int):
    session = get_object_or_404(TrainingSession, pk=session_id)
    try:
        cancelled = sessions.signup_cancel(session=session, user=request.user)
    except sessions.SessionError as error:
        messages.error(request, " ".join(error.messages))
        return _back(session_id)
    if cancelled is None:
        messages.info(request, _("You were not signed up for this session."))
    else:
        messages.success(request, _("Your sign-up is cancelled."))
    return _back(session_id)


# Calendars -------------------------------------------------------------------------------


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _url_for(request):
    def url(session: TrainingSession) -> str:
        return request.build_absolute_uri(reverse("courses:session_detail", args=[session.pk]))

    return url


@login_required
@require_GET
def session_ics(request, session_id: int):
    row = session_selectors.session_for(request.user, session_id)
    content = calendar.sessions_calendar(
        [(row.session, row.signup)], name=row.session.title, url_for=_url_for(request)
    )
    return _ics(content, f"session-{row.session.pk}.ics")


@login_required
@require_GET
def my_sessions_ics(request):
    content = calendar.sessions_calendar(
        session_selectors.my_calendar_sessions(request.user),
        name=_("My training sessions"),
        url_for=_url_for(request),
    )
    return _ics(content, "my-sessions.ics")


# My sessions and drill results -----------------------------------------------------------


@login_required
@require_GET
def my_sessions(request):
    return render(
        request,
        "courses/sessions/my_sessions.html",
        {"mine": session_selectors.my_sessions(request.user)},
    )


@login_required
@require_GET
def my_drill_results(request):
    return render(
        request,
        "courses/sessions/my_drill_results.html",
        {"evaluations": session_selectors.my_drill_results(request.user)},
    )


def _evidence_url(evaluation) -> str | None:
    if not evaluation.evidence:
        return None
    return reverse("courses:evaluation_evidence", args=[evaluation.pk])


@login_required
@require_GET
def drill_result(request, evaluation_id: int):
    result = session_selectors.drill_result_for(request.user, evaluation_id)
    return render(
        request,
        "courses/sessions/drill_result.html",
        {"result": result, "evidence_url": _evidence_url(result.evaluation)},
    )
