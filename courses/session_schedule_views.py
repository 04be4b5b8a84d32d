"""The trainers' scheduling pages: schedule a session, change it, cancel it. HTTP only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from courses import sessions
from courses.models import DrillPage, SessionKind, SessionState, TrainingSession
from courses.session_forms import (
    SessionEditForm,
    SessionScheduleForm,
    may_schedule,
)


def _require_scheduler(user) -> None:
    if not may_schedule(user):
        raise PermissionDenied


def _session_to_run(request, session_id: int) -> TrainingSession:
    """A session the user may change: its trainer's, or any for a lead trainer/admin."""
    _require_scheduler(request.user)
    session = get_object_or_404(
        TrainingSession.objects.select_related("drill", "trainer"), pk=session_id
    )
    if not sessions.may_run(request.user, session):
        raise PermissionDenied
    return session


@login_required
def session_schedule(request):
    _require_scheduler(request.user)
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
            session = sessions.session_schedule(by=request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Session scheduled: %(title)s.") % {"title": session.title}
            )
            return redirect("courses:session_edit", session_id=session.pk)
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
                moved = sessions.session_update(
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
                return redirect("courses:session_edit", session_id=session.pk)
    return render(
        request, "courses/schedule/session_edit.html", {"form": form, "session": session}
    )


@login_required
def session_cancel_by_trainer(request, session_id: int):
    """GET asks for confirmation; POST cancels."""
    session = _session_to_run(request, session_id)
    if request.method == "POST":
        if session.state != SessionState.CANCELLED:
            sessions.session_cancel(session=session, by=request.user)
            messages.success(
                request, _("Session cancelled: %(title)s.") % {"title": session.title}
            )
        return redirect("courses:session_edit", session_id=session.pk)
    return render(request, "courses/schedule/session_cancel.html", {"session": session})
