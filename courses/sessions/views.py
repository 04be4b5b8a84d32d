"""Live training's pages: the learner's sessions, sign-ups, calendars and drill results; the
trainer's pages in the room (attendance, check-in, scoring); scheduling. HTTP only."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.models.live import (
    DrillEvaluation,
    DrillPage,
    SessionKind,
    SessionState,
    TrainingSession,
)
from courses.models.pages import CoursePage
from courses.sessions import calendar, permissions, selectors, services
from courses.sessions.forms import EvidenceForm, SessionEditForm, SessionScheduleForm
from lms.audit import PersonalRecord, personal_downloaded, personal_listed, personal_viewed
from lms.permissions import require


def drill_page_context(page, request, context) -> dict:
    """A drill's page: the sessions that play it and that the person may join (registered in
    CoursesConfig.ready)."""
    return {"upcoming_sessions": selectors.drill_upcoming_sessions(request.user, page)}


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
    rows = selectors.upcoming_sessions_for(
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
            "days": selectors.by_day(rows),
            "kinds": SessionKind.choices,
            "kind": kind,
            "course": course,
            "drill": drill,
        },
    )


@login_required
@require_GET
def session_detail(request, session_id: int):
    row = selectors.session_for(request.user, session_id)
    return render(request, "courses/sessions/session_detail.html", {"row": row})


def _back(session_id: int):
    return redirect("sessions:session_detail", session_id=session_id)


@login_required
@require_POST
def session_signup(request, session_id: int):
    session = get_object_or_404(TrainingSession, pk=session_id)
    try:
        result = services.signup_create(session=session, user=request.user)
    except services.SessionError as error:
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
        cancelled = services.signup_cancel(session=session, user=request.user)
    except services.SessionError as error:
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
        return request.build_absolute_uri(reverse("sessions:session_detail", args=[session.pk]))

    return url


@login_required
@require_GET
def session_ics(request, session_id: int):
    row = selectors.session_for(request.user, session_id)
    content = calendar.sessions_calendar(
        [(row.session, row.signup)], name=row.session.title, url_for=_url_for(request)
    )
    return _ics(content, f"session-{row.session.pk}.ics")


@login_required
@require_GET
def my_sessions_ics(request):
    content = calendar.sessions_calendar(
        selectors.my_calendar_sessions(request.user),
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
        {"mine": selectors.my_sessions(request.user)},
    )


@login_required
@require_GET
def my_drill_results(request):
    return render(
        request,
        "courses/sessions/my_drill_results.html",
        {"evaluations": selectors.my_drill_results(request.user)},
    )


def _evidence_url(evaluation) -> str | None:
    if not evaluation.evidence:
        return None
    return reverse("sessions:evaluation_evidence", args=[evaluation.pk])


@login_required
@require_GET
def drill_result(request, evaluation_id: int):
    result = selectors.drill_result_for(request.user, evaluation_id)
    return render(
        request,
        "courses/sessions/drill_result.html",
        {"result": result, "evidence_url": _evidence_url(result.evaluation)},
    )


def _sessions_to_run():
    return TrainingSession.objects.select_related("trainer", "drill").prefetch_related(
        "audience_units"
    )


def _runnable(request, session_id: int, *, drill: bool = False) -> TrainingSession:
    """The session, if the signed-in person may run it (403 otherwise)."""
    session = get_object_or_404(_sessions_to_run(), pk=session_id)
    require(permissions.may_run(request.user, session))
    if drill and (session.kind != SessionKind.DRILL or session.rubric_version_id is None):
        raise Http404
    return session


# Sessions to run -------------------------------------------------------------------------


@login_required
def sessions_to_run(request):
    require(permissions.may_run_sessions(request.user))
    return render(
        request,
        "courses/trainer/sessions_to_run.html",
        {"sessions": selectors.sessions_to_run(request.user), "now": timezone.now()},
    )


# Attendance ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request, session_id: int):
    session = _runnable(request, session_id)
    if request.method == "POST":
        _attendance_post(request, session)
        anchor = request.POST.get("user", "")
        url = reverse("sessions:session_attendance", args=[session.pk])
        return redirect(f"{url}#person-{anchor}" if anchor.isdigit() else url)
    return render(
        request,
        "courses/trainer/attendance.html",
        {
            "session": session,
            "signups": selectors.attendance_list(session, request.user),
            "counts": selectors.attendance_counts(session, request.user),
            "current": "attendance",
        },
    )


def _attendance_post(request, session: TrainingSession) -> None:
    action = request.POST.get("action")
    if action == "close":
        count = services.attendance_close(session=session, by=request.user)
        messages.success(request, _("Attendance closed: %(n)s recorded absent.") % {"n": count})
    elif action in ("present", "absent"):
        signup = selectors.participant_signup(
            session, _int(request.POST.get("user")), request.user, waiting=True
        )
        if signup is None:  # not signed up, or not someone this runner may see
            raise Http404
        services.attendance_mark(
            session=session, user=signup.user, present=action == "present", by=request.user
        )
    elif action == "walk_in":
        number = request.POST.get("employee_number", "").strip()[:150]
        # Someone this runner may not act on is answered as a number nobody has: the page
        # never tells whose number it is.
        person = selectors.walk_in_person(session, number, request.user)
        if person is None:
            messages.error(
                request,
                _("No one you may add to this session has the employee number %(n)s.")
                % {"n": number},
            )
            return
        services.attendance_mark(session=session, user=person, present=True, by=request.user)
        messages.success(
            request, _("%(name)s is recorded present.") % {"name": person.display_name}
        )
    else:
        messages.error(request, _("Nothing was changed."))


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# The check-in code on the projector ------------------------------------------------------


def _code(request, session: TrainingSession) -> dict:
    now = timezone.now()
    token = services.check_in_token(session, at=now)
    url = request.build_absolute_uri(reverse("sessions:check_in") + "?code=" + token)
    step = services.CHECK_IN_STEP
    opens, closes = services.check_in_window(session)
    return {
        "url": url,
        "svg": segno.make(url, error="m").svg_inline(scale=8, omitsize=True),
        "expires_in": step - int(now.timestamp()) % step,
        "checked_in": selectors.checked_in_count(session, request.user),
        "open": opens <= now <= closes,
    }


@login_required
def session_check_in_code(request, session_id: int):
    session = _runnable(request, session_id)
    opens, closes = services.check_in_window(session)
    return render(
        request,
        "courses/trainer/check_in_code.html",
        {
            "session": session,
            "code": _code(request, session),
            "opens": opens,
            "closes": closes,
            "step": services.CHECK_IN_STEP,
        },
    )


@login_required
def session_check_in_code_json(request, session_id: int):
    session = _runnable(request, session_id)
    response = JsonResponse(_code(request, session))
    response["Cache-Control"] = "no-store"
    return response


# The learner's check-in ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request):
    """GET asks to confirm (a link preview must not check anyone in); POST checks in."""
    code = (
        request.POST.get("code") if request.method == "POST" else request.GET.get("code")
    ) or ""
    code = code.strip()[:200]
    context = {"code": code}
    if request.method == "POST":
        try:
            context["signup"] = services.check_in(token=code, user=request.user)
        except services.SessionError as error:
            context["error"] = " ".join(error.messages)
    elif not code:
        context["error"] = _("This link has no check-in code: scan the code on the screen.")
    else:
        context["session"] = selectors.session_for_check_in(code)
    status = 400 if "error" in context and request.method == "POST" else 200
    return render(request, "courses/trainer/check_in.html", context, status=status)


@login_required
def session_scoring(request, session_id: int):
    session = _runnable(request, session_id, drill=True)
    rubric = session.rubric_version.rubric
    rows = selectors.scoring_rows(session, rubric, request.user)
    personal_listed(
        request=request,
        record=PersonalRecord.DRILL,
        people=len(rows),
        scope={"session": session.pk},
        target=session,
    )
    return render(
        request,
        "courses/trainer/scoring.html",
        {"session": session, "rubric": rubric, "rows": rows, "current": "scoring"},
    )


def _participant(request, session: TrainingSession, user_id: int):
    """The confirmed sign-up of someone the signed-in person may score (404 otherwise)."""
    signup = selectors.participant_signup(session, user_id, request.user)
    if signup is None:
        raise Http404
    return signup


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_edit(request, session_id: int, user_id: int):
    session = _runnable(request, session_id, drill=True)
    signup = _participant(request, session, user_id)
    participant = signup.user
    rubric = session.rubric_version.rubric
    form = EvidenceForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST":
        # The whole sheet is saved, or (a wrong level, a file refused) nothing, and the page
        # shows what was sent with what is wrong.
        posted = {c.key: request.POST.get(f"points-{c.key}") for c in rubric.criteria}
        points = {key: value for key, value in posted.items() if value not in (None, "")}
        notes = {c.key: request.POST.get(f"note-{c.key}", "") for c in rubric.criteria}
        if form.is_valid():
            try:
                services.evaluation_save(
                    session=session,
                    participant=participant,
                    points=points,
                    notes=notes,
                    comment=form.cleaned_data["comment"],
                    evidence=form.cleaned_data["evidence"],
                    by=request.user,
                )
            except services.SessionError as error:
                errors = error.messages
            else:
                messages.success(request, _("Saved."))
                return redirect("sessions:evaluation_edit", session.pk, participant.pk)
    evaluation = selectors.evaluation_of(session, participant)
    if request.method == "GET":
        personal_viewed(
            request=request,
            subject=participant,
            record=PersonalRecord.DRILL,
            target=session,
            details={"evaluation": evaluation.pk if evaluation else None},
        )
        form = EvidenceForm(initial={"comment": evaluation.comment if evaluation else ""})
        points = evaluation.points if evaluation else {}
        notes = evaluation.notes if evaluation else {}
    rows = selectors.scoring_rows(session, rubric, request.user)
    ids = [row.user.pk for row in rows]
    position = ids.index(participant.pk)
    next_row = rows[position + 1] if position + 1 < len(rows) else None
    criteria = [
        {
            "criterion": c,
            "points": points.get(c.key),
            "note": notes.get(c.key, ""),
            "levels": [
                {"level": level, "checked": points.get(c.key) is not None
                 and str(level.points) == str(points.get(c.key))}
                for level in c.levels
            ],
        }
        for c in rubric.criteria
    ]  # fmt: skip
    return render(
        request,
        "courses/trainer/evaluation_edit.html",
        {
            "session": session,
            "signup": signup,
            "participant": participant,
            "evaluation": evaluation,
            "criteria": criteria,
            "scored": sum(1 for c in criteria if c["points"] is not None),
            "form": form,
            "errors": errors,
            "next_row": next_row,
            "position": position + 1,
            "count": len(rows),
        },
        status=400 if request.method == "POST" else 200,  # a valid POST has redirected
    )


@login_required
@require_POST
def evaluation_criterion(request, session_id: int, user_id: int):
    """One criterion's level and comment, saved as the trainer taps (drill-scoring.js)."""
    session = _runnable(request, session_id, drill=True)
    participant = _participant(request, session, user_id).user
    note = request.POST.get("note")
    try:
        evaluation = services.evaluation_score(
            session=session,
            participant=participant,
            criterion=request.POST.get("criterion", ""),
            points=request.POST.get("points"),
            note=note,
            by=request.user,
        )
    except services.SessionError as error:
        return JsonResponse({"saved": False, "error": " ".join(error.messages)}, status=400)
    keys = {c.key for c in evaluation.rubric_version.rubric.criteria}
    return JsonResponse(
        {
            "saved": True,
            "percent": None if evaluation.percent is None else str(evaluation.percent),
            "scored": len(keys.intersection(evaluation.points)),
        }
    )


@login_required
def evaluation_evidence(request, evaluation_id: int):
    """The evidence file, for the participant, those who run the session, HR and admins."""
    evaluation = get_object_or_404(
        DrillEvaluation.objects.select_related("session", "user__profile__org_unit"),
        pk=evaluation_id,
    )
    if not permissions.may_read_evidence(request.user, evaluation) or not evaluation.evidence:
        raise Http404
    try:
        handle = evaluation.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    personal_downloaded(
        request=request,
        subject=evaluation.user,
        record=PersonalRecord.DRILL_EVIDENCE,
        target=evaluation.session,
        details={"evaluation": evaluation.pk},
    )
    return FileResponse(
        handle, as_attachment=True, filename=evaluation.evidence_name or "evidence"
    )


def _session_to_run(request, session_id: int) -> TrainingSession:
    """A session the user may change: the rule of running it (`permissions.RunRule`)."""
    require(permissions.may_schedule(request.user))
    session = get_object_or_404(_sessions_to_run(), pk=session_id)
    require(permissions.may_run(request.user, session))
    return session


@login_required
def session_schedule(request):
    require(permissions.may_schedule(request.user))
    initial = {}
    drill = DrillPage.objects.live().filter(pk=request.GET.get("drill") or 0).first()
    if drill is not None:
        initial = {
            "kind": SessionKind.DRILL,
            "drill": drill.pk,
            "title": drill.title,
            "audience_positions": drill.target_positions,
        }
    form = SessionScheduleForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_schedule(by=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Session scheduled: %(title)s.") % {"title": session.title}
            )
            return redirect("sessions:session_edit", session_id=session.pk)
    return render(request, "courses/schedule/session_form.html", {"form": form})


@login_required
def session_edit(request, session_id: int):
    session = _session_to_run(request, session_id)
    if session.state == SessionState.CANCELLED:
        messages.error(request, _("This session has been cancelled and cannot be changed."))
        form = None
    else:
        form = SessionEditForm(request.POST or None, user=request.user, session=session)
        if request.method == "POST" and form.is_valid():
            try:
                moved = services.session_update(
                    session=session, by=request.user, changes=form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                message = _("Session updated.")
                if moved:
                    message += " " + _(
                        "%(count)d people on the waiting list now have a place."
                    ) % {"count": len(moved)}
                messages.success(request, message)
                return redirect("sessions:session_edit", session_id=session.pk)
    return render(
        request, "courses/schedule/session_edit.html", {"form": form, "session": session}
    )


@login_required
def session_cancel_by_trainer(request, session_id: int):
    """GET asks for confirmation; POST cancels."""
    session = _session_to_run(request, session_id)
    if request.method == "POST":
        if session.state != SessionState.CANCELLED:
            services.session_cancel(session=session, by=request.user)
            messages.success(
                request, _("Session cancelled: %(title)s.") % {"title": session.title}
            )
        return redirect("sessions:session_edit", session_id=session.pk)
    return render(request, "courses/schedule/session_cancel.html", {"session": session})
