"""The trainer's pages in the room (issue 6): sessions to run, the attendance list, the
check-in code on the projector, the learner's check-in, and scoring a drill on a tablet.

HTTP only: parse, call a service in courses/sessions.py or a selector, render.
"""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from courses import session_trainer_selectors as selectors
from courses import sessions
from courses.models import DrillEvaluation, SessionKind, SignUp, SignUpStatus, TrainingSession
from lms.roles import HR_ROLES, SESSION_RUNNERS, has_role

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = ("image/", "application/pdf")


def _runnable(request, session_id: int, *, drill: bool = False) -> TrainingSession:
    """The session, if the signed-in person may run it (403 otherwise)."""
    session = get_object_or_404(TrainingSession.objects.select_related("trainer"), pk=session_id)
    if not sessions.may_run(request.user, session):
        raise PermissionDenied
    if drill and (session.kind != SessionKind.DRILL or session.rubric_version_id is None):
        raise Http404
    return session


# Sessions to run -------------------------------------------------------------------------


@login_required
def sessions_to_run(request):
    if not has_role(request.user, *SESSION_RUNNERS):
        raise PermissionDenied
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
        url = reverse("courses:session_attendance", args=[session.pk])
        return redirect(f"{url}#person-{anchor}" if anchor.isdigit() else url)
    return render(
        request,
        "courses/trainer/attendance.html",
        {
            "session": session,
            "signups": selectors.attendance_list(session),
            "counts": selectors.attendance_counts(session),
            "current": "attendance",
        },
    )


def _attendance_post(request, session: TrainingSession) -> None:
    action = request.POST.get("action")
    if action == "close":
        count = sessions.attendance_close(session=session, by=request.user)
        messages.success(request, _("Attendance closed: %(n)s recorded absent.") % {"n": count})
    elif action in ("present", "absent"):
        signup = get_object_or_404(
            SignUp.objects.select_related("user"),
            session=session,
            user_id=_int(request.POST.get("user")),
            status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITING],
        )
        sessions.attendance_mark(
            session=session, user=signup.user, present=action == "present", by=request.user
        )
    elif action == "walk_in":
        number = request.POST.get("employee_number", "").strip()
        person = get_user_model().objects.filter(username=number, is_active=True).first()
        if not number or person is None:
            messages.error(request, _("No one has the employee number %(n)s.") % {"n": number})
            return
        sessions.attendance_mark(session=session, user=person, present=True, by=request.user)
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
    token = sessions.check_in_token(session, at=now)
    url = request.build_absolute_uri(reverse("courses:check_in") + "?code=" + token)
    step = sessions.CHECK_IN_STEP
    opens, closes = sessions.check_in_window(session)
    return {
        "url": url,
        "svg": segno.make(url, error="m").svg_inline(scale=8, omitsize=True),
        "expires_in": step - int(now.timestamp()) % step,
        "checked_in": selectors.checked_in_count(session),
        "open": opens <= now <= closes,
    }


@login_required
def session_check_in_code(request, session_id: int):
    session = _runnable(request, session_id)
    opens, closes = sessions.check_in_window(session)
    return render(
        request,
        "courses/trainer/check_in_code.html",
        {
            "session": session,
            "code": _code(request, session),
            "opens": opens,
            "closes": closes,
            "step": sessions.CHECK_IN_STEP,
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
            context["signup"] = sessions.check_in(token=code, user=request.user)
        except sessions.SessionError as error:
            context["error"] = " ".join(error.messages)
    elif not code:
        context["error"] = _("This link has no check-in code: scan the code on the screen.")
    status = 400 if "error" in context and request.method == "POST" else 200
    return render(request, "courses/trainer/check_in.html", context, status=status)


# Scoring a drill -------------------------------------------------------------------------


class EvidenceForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Overall comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = forms.FileField(
        label=gettext_lazy("Evidence: a photo or a PDF"),
        required=False,
        help_text=gettext_lazy("At most 10 MB. A new file replaces the last one."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        if upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        content_type = (getattr(upload, "content_type", "") or "").lower()
        if not content_type.startswith(EVIDENCE_TYPES):
            raise forms.ValidationError(_("Upload a photo or a PDF file."))
        return upload


@login_required
def session_scoring(request, session_id: int):
    session = _runnable(request, session_id, drill=True)
    rubric = session.rubric_version.rubric
    return render(
        request,
        "courses/trainer/scoring.html",
        {
            "session": session,
            "rubric": rubric,
            "rows": selectors.scoring_rows(session, rubric),
            "current": "scoring",
        },
    )


def _participant(session: TrainingSession, user_id: int):
    signup = get_object_or_404(
        SignUp.objects.select_related("user__profile__org_unit"),
        session=session,
        user_id=user_id,
        status=SignUpStatus.CONFIRMED,
    )
    return signup


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_edit(request, session_id: int, user_id: int):
    session = _runnable(request, session_id, drill=True)
    signup = _participant(session, user_id)
    participant = signup.user
    rubric = session.rubric_version.rubric
    form = EvidenceForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST":
        for criterion in rubric.criteria:
            try:
                sessions.evaluation_score(
                    session=session,
                    participant=participant,
                    criterion=criterion.key,
                    points=request.POST.get(f"points-{criterion.key}"),
                    note=request.POST.get(f"note-{criterion.key}", ""),
                    by=request.user,
                )
            except sessions.SessionError as error:
                errors.append(f"{criterion.name}: {' '.join(error.messages)}")
        if form.is_valid():
            sessions.evaluation_comment(
                session=session,
                participant=participant,
                comment=form.cleaned_data["comment"],
                evidence=form.cleaned_data["evidence"],
                by=request.user,
            )
        if not errors and form.is_valid():
            messages.success(request, _("Saved."))
            return redirect("courses:evaluation_edit", session.pk, participant.pk)
    evaluation = selectors.evaluation_of(session, participant)
    if request.method == "GET":
        form = EvidenceForm(initial={"comment": evaluation.comment if evaluation else ""})
    rows = selectors.scoring_rows(session, rubric)
    ids = [row.user.pk for row in rows]
    position = ids.index(participant.pk)
    next_row = rows[position + 1] if position + 1 < len(rows) else None
    points = evaluation.points if evaluation else {}
    notes = evaluation.notes if evaluation else {}
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
    participant = _participant(session, user_id).user
    note = request.POST.get("note")
    try:
        evaluation = sessions.evaluation_score(
            session=session,
            participant=participant,
            criterion=request.POST.get("criterion", ""),
            points=request.POST.get("points"),
            note=note,
            by=request.user,
        )
    except sessions.SessionError as error:
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
        DrillEvaluation.objects.select_related("session"), pk=evaluation_id
    )
    allowed = (
        evaluation.user_id == request.user.pk
        or sessions.may_run(request.user, evaluation.session)
        or has_role(request.user, *HR_ROLES)
    )
    if not allowed or not evaluation.evidence:
        raise Http404
    try:
        handle = evaluation.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=evaluation.evidence_name or "evidence"
    )
