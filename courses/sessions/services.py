"""Live sessions: scheduling, signing up, the waiting list, attendance and drill scores.

Writes only, one function per use case, each in a transaction. Signing up and cancelling
lock the session's row first, so that concurrent sign-ups never put more people in a session
than its capacity, and the waiting list moves up in the order people joined it.

What a trainer does is checked here again, whatever the page asked before
(`courses.sessions.permissions`): the audience chosen, who runs the session, and whom its
runner marks, checks in or scores (PermissionDenied when `by` may not act on that person).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.drills.rubrics import InvalidScore, score
from courses.drills.selectors import current_rubric_version
from courses.learning.services import enrolment_refresh_completion
from courses.models.live import (
    Attendance,
    CheckInMethod,
    DrillEvaluation,
    SessionKind,
    SessionState,
    SignUp,
    SignUpStatus,
    TrainingSession,
)
from courses.sessions.notices import (
    Arrangement,
    notify_after_commit,
    notify_booked,
    notify_moved,
)
from courses.sessions.permissions import (
    audience_problems,
    in_audience,
    may_assign_trainer,
    may_check_in,
    may_run,
    may_schedule,
    participant_rule,
)
from courses.sessions.signals import attendance_recorded, drill_scored

CHECK_IN_STEP = 30  # seconds a check-in code is shown before the next one


CHECK_IN_GRACE_STEPS = 1  # the code before the one on screen still works (a slow scan)


CHECK_IN_OPENS = datetime.timedelta(minutes=30)  # before the start


CHECK_IN_SALT = "courses.check-in"


class SessionError(ValidationError):
    """A sign-up, check-in or score that cannot be done, with the reason for the person."""


# Scheduling ------------------------------------------------------------------------------


def _check_audience(*, by, trainer, units, everyone: bool) -> None:
    problems = audience_problems(by=by, trainer=trainer, units=units, everyone=everyone)
    if problems:
        raise SessionError(problems, code="audience")


@transaction.atomic
def session_schedule(
    *, by, audience_units=(), audience_everyone: bool = False, **fields
) -> TrainingSession:
    """A new session; a drill session scores on its drill's current rubric version.

    Its audience is `audience_units` (within the staff scope of `by` and of the trainer), or
    everyone when `audience_everyone` is said (by someone who sees everyone)."""
    trainer = fields.get("trainer")
    if not may_schedule(by) or (trainer != by and not may_assign_trainer(by)):
        raise PermissionDenied
    units = list(audience_units or [])
    _check_audience(by=by, trainer=trainer, units=units, everyone=audience_everyone)
    drill = fields.get("drill")
    if fields.get("kind") == SessionKind.DRILL:
        if drill is None:
            raise SessionError(_("A drill session needs a drill."))
        fields["rubric_version"] = current_rubric_version(drill)
        if fields["rubric_version"] is None:
            raise SessionError(_("This drill has not been published yet."))
    session = TrainingSession(created_by=by, audience_everyone=audience_everyone, **fields)
    session.full_clean()
    session.save()
    if units:
        session.audience_units.set(units)
    return session


@transaction.atomic
def session_cancel(*, session: TrainingSession, by) -> None:
    """Cancel a session; everyone with a place or on its waiting list is told by e-mail."""
    _require_runner(by, session)
    TrainingSession.objects.filter(pk=session.pk).update(state=SessionState.CANCELLED)
    session.state = SessionState.CANCELLED
    people = SignUp.objects.filter(
        session=session, status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITING]
    ).select_related("user__profile")
    notify_after_commit("cancelled", session, [signup.user for signup in people])


# Signing up ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignUpResult:
    signup: SignUp
    waiting_place: int | None  # 1 = next in line; None when confirmed


def _locked(session: TrainingSession) -> TrainingSession:
    return TrainingSession.objects.select_for_update().get(pk=session.pk)


def _confirmed_count(session: TrainingSession) -> int:
    return SignUp.objects.filter(session=session, status=SignUpStatus.CONFIRMED).count()


def waiting_place(signup: SignUp) -> int | None:
    if signup.status != SignUpStatus.WAITING:
        return None
    ahead = SignUp.objects.filter(
        session_id=signup.session_id,
        status=SignUpStatus.WAITING,
        queued_at__lt=signup.queued_at,
    ).count()
    return ahead + 1


def signup_create(*, session: TrainingSession, user) -> SignUpResult:
    """Sign `user` up: a confirmed place while there is room, else the waiting list. The
    person is told which (once per sign-up: signing up again while signed up tells nothing)."""
    with transaction.atomic():
        session = _locked(session)
        now = timezone.now()
        if session.state != SessionState.SCHEDULED:
            raise SessionError(_("This session has been cancelled."))
        if session.starts_at <= now:
            raise SessionError(_("This session has already started."))
        if not in_audience(user, session):
            raise SessionError(_("This session is not open to you."))
        signup = SignUp.objects.filter(session=session, user=user).first()
        if signup is not None and signup.status != SignUpStatus.CANCELLED:
            return SignUpResult(signup, waiting_place(signup))
        room = _confirmed_count(session) < session.capacity
        status = SignUpStatus.CONFIRMED if room else SignUpStatus.WAITING
        if signup is None:
            signup = SignUp(session=session, user=user)
        signup.status, signup.queued_at = status, now
        signup.save()
        place = waiting_place(signup)
        notify_booked(signup, place)
    return SignUpResult(signup, place)


def signup_cancel(*, session: TrainingSession, user) -> SignUp | None:
    """Cancel `user`'s place; the first on the waiting list takes a freed place."""
    with transaction.atomic():
        session = _locked(session)
        signup = SignUp.objects.filter(
            session=session, user=user, status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITING]
        ).first()
        if signup is None:
            return None
        if session.starts_at <= timezone.now():
            raise SessionError(_("This session has already started."))
        signup.status = SignUpStatus.CANCELLED
        signup.save(update_fields=["status", "updated_at"])
        _fill_from_waiting_list(session)
    return signup


def _fill_from_waiting_list(session: TrainingSession) -> list[SignUp]:
    """Confirm people from the waiting list, oldest first, while there is room (locked)."""
    room = session.capacity - _confirmed_count(session)
    if room <= 0:
        return []
    moved = list(
        SignUp.objects.filter(session=session, status=SignUpStatus.WAITING)
        .select_related("user__profile")
        .order_by("queued_at", "pk")[:room]
    )
    for signup in moved:
        signup.status = SignUpStatus.CONFIRMED
        signup.save(update_fields=["status", "updated_at"])
    notify_after_commit("promoted", session, [signup.user for signup in moved])
    return moved


@transaction.atomic
def session_capacity_change(*, session: TrainingSession, capacity: int) -> list[SignUp]:
    """A larger room: the waiting list moves up. A smaller one keeps those already in."""
    session = _locked(session)
    session.capacity = capacity
    session.full_clean()
    session.save(update_fields=["capacity"])
    return _fill_from_waiting_list(session)


@transaction.atomic
def session_update(*, session: TrainingSession, by, changes: dict) -> list:
    """Apply an edit form's changes; a larger capacity moves the waiting list up. The audience
    follows the rule of scheduling, for `by` and the session's trainer. A new time or place
    is told to everyone with a place or waiting (old → new).

    Returns the sign-ups confirmed from the waiting list.
    """
    session = (
        TrainingSession.objects.select_for_update()
        .select_related("trainer")
        .prefetch_related("audience_units")
        .get(pk=session.pk)
    )
    _require_runner(by, session)
    units = list(changes["audience_units"])
    everyone = bool(changes.get("audience_everyone", False))
    _check_audience(by=by, trainer=session.trainer, units=units, everyone=everyone)
    before = Arrangement.of(session)
    fields = ["starts_at", "ends_at", "place", "description", "audience_positions"]
    for field in fields:
        setattr(session, field, changes[field])
    session.audience_everyone = everyone
    session.full_clean()
    session.save(update_fields=[*fields, "audience_everyone"])
    session.audience_units.set(units)
    # Told before the waiting list moves up: those moved up are told of their place with the
    # new time and place already.
    notify_moved(session, before)
    return session_capacity_change(session=session, capacity=changes["capacity"])


def _require_runner(user, session: TrainingSession) -> None:
    if not may_run(user, session):
        raise PermissionDenied


def _require_participant(by, session: TrainingSession, person) -> None:
    """`by` runs the session and may act on `person` in it (its audience, their scope)."""
    _require_runner(by, session)
    if not participant_rule.allows(by, session, person):
        raise PermissionDenied


@transaction.atomic
def attendance_mark(*, session: TrainingSession, user, present: bool, by) -> SignUp:
    """The trainer's tick (or untick) on the list; someone not signed up is added, if they
    are of the session's audience and `by` may see them."""
    _require_participant(by, session, user)
    signup, _created = SignUp.objects.get_or_create(
        session=session,
        user=user,
        defaults={"status": SignUpStatus.CONFIRMED, "queued_at": timezone.now()},
    )
    if signup.status != SignUpStatus.CONFIRMED:
        signup.status = SignUpStatus.CONFIRMED
    signup.attendance = Attendance.PRESENT if present else Attendance.ABSENT
    signup.checked_in_at = timezone.now() if present else None
    signup.check_in_method = CheckInMethod.LIST if present else ""
    signup.save()
    _attendance_counted(signup)
    return signup


@transaction.atomic
def attendance_close(*, session: TrainingSession, by) -> int:
    """After the session: everyone confirmed, not checked in and on `by`'s list is recorded
    absent."""
    _require_runner(by, session)
    return (
        SignUp.objects.filter(
            session=session, status=SignUpStatus.CONFIRMED, attendance=Attendance.UNKNOWN
        )
        .filter(participant_rule.q(by, session))
        .update(attendance=Attendance.ABSENT, updated_at=timezone.now())
    )


def _attendance_counted(signup: SignUp) -> None:
    """An attended session of a course counts toward the course (and is a learning record)."""
    session = signup.session
    if signup.attendance == Attendance.PRESENT:
        attendance_recorded.send(sender=SignUp, signup=signup)
    if session.course_id and signup.attendance == Attendance.PRESENT:
        enrolment_refresh_completion(user=signup.user, course=session.course.specific)


# Checking in with the room's code --------------------------------------------------------


def _step(at: datetime.datetime) -> int:
    return int(at.timestamp()) // CHECK_IN_STEP


def check_in_token(session: TrainingSession, at: datetime.datetime | None = None) -> str:
    """The code shown in the room now: signed, for this session and this half-minute."""
    at = at or timezone.now()
    return signing.Signer(salt=CHECK_IN_SALT).sign(f"{session.pk}.{_step(at)}")


def check_in_window(session: TrainingSession) -> tuple[datetime.datetime, datetime.datetime]:
    return session.starts_at - CHECK_IN_OPENS, session.ends_at


def check_in(*, token: str, user, at: datetime.datetime | None = None) -> SignUp:
    """Check the signed-in `user` in with a scanned code; SessionError says why not."""
    at = at or timezone.now()
    try:
        value = signing.Signer(salt=CHECK_IN_SALT).unsign(token)
        session_id, step = (int(part) for part in value.split("."))
    except (signing.BadSignature, ValueError):
        raise SessionError(_("This is not a check-in code of this site.")) from None
    if not 0 <= _step(at) - step <= CHECK_IN_GRACE_STEPS:
        raise SessionError(
            _("This code has expired: scan the one on the screen now."), code="expired"
        )
    with transaction.atomic():
        session = (
            TrainingSession.objects.select_for_update()
            .select_related("trainer")
            .filter(pk=session_id)
            .first()
        )
        if session is None or session.state != SessionState.SCHEDULED:
            raise SessionError(_("This session does not take check-ins."))
        opens, closes = check_in_window(session)
        if not opens <= at <= closes:
            raise SessionError(
                _("Check-in is open from 30 minutes before the start to the end."),
                code="outside_window",
            )
        signup = SignUp.objects.filter(session=session, user=user).first()
        if signup is None or signup.status != SignUpStatus.CONFIRMED:
            raise SessionError(
                _("You do not have a confirmed place in this session: ask the trainer.")
            )
        if not may_check_in(user, session):
            raise SessionError(_("This session is not open to you."))
        if signup.attendance != Attendance.PRESENT:
            signup.attendance = Attendance.PRESENT
            signup.checked_in_at = at
            signup.check_in_method = CheckInMethod.QR
            signup.save()
            _attendance_counted(signup)
    return signup


# Scoring a drill -------------------------------------------------------------------------


def _evaluation(session: TrainingSession, participant, by) -> DrillEvaluation:
    _require_participant(by, session, participant)
    if session.kind != SessionKind.DRILL or session.rubric_version_id is None:
        raise SessionError(_("Only drill sessions are scored."))
    if not SignUp.objects.filter(
        session=session, user=participant, status=SignUpStatus.CONFIRMED
    ).exists():
        raise SessionError(_("This person is not a participant of the session."))
    evaluation, _created = DrillEvaluation.objects.select_for_update().get_or_create(
        session=session,
        user=participant,
        defaults={"rubric_version_id": session.rubric_version_id, "scored_by": by},
    )
    return evaluation


def _rescore_and_save(evaluation: DrillEvaluation) -> None:
    """Score the sheet again and save it; a score now complete, or changed, is told (the
    learning records)."""
    before = evaluation.percent
    evaluation.percent = score(evaluation.rubric_version.rubric, evaluation.points).percent
    evaluation.save()
    if evaluation.percent is not None and evaluation.percent != before:
        drill_scored.send(sender=DrillEvaluation, evaluation=evaluation)


@transaction.atomic
def evaluation_score(
    *, session: TrainingSession, participant, criterion: str, points, note=None, by
) -> DrillEvaluation:
    """Save one criterion's level (None clears it) and, if given, its comment."""
    evaluation = _evaluation(session, participant, by)
    given = dict(evaluation.points)
    if points in (None, ""):
        given.pop(criterion, None)
    else:
        given[criterion] = str(points)
    try:
        score(evaluation.rubric_version.rubric, given)
    except InvalidScore:
        raise SessionError(_("That is not a level of this criterion.")) from None
    evaluation.points = given
    if note is not None:
        evaluation.notes = {**evaluation.notes, criterion: note.strip()}
    evaluation.scored_by = by
    _rescore_and_save(evaluation)
    return evaluation


def _comment_and_save(evaluation: DrillEvaluation, *, comment: str, evidence, by):
    """The overall comment and the evidence (replacing the last file), scored again, saved."""
    evaluation.comment = comment.strip()
    if evidence is not None:
        if evaluation.evidence:
            evaluation.evidence.delete(save=False)
        evaluation.evidence_name = evidence.name[:255]
        evaluation.evidence.save(evidence.name, evidence, save=False)
    evaluation.scored_by = by
    _rescore_and_save(evaluation)
    return evaluation


@transaction.atomic
def evaluation_save(
    *,
    session: TrainingSession,
    participant,
    points: Mapping[str, str | None],
    notes: Mapping[str, str],
    comment: str,
    evidence=None,
    by,
) -> DrillEvaluation:
    """A participant's whole score sheet, as the scoring form sends it: each criterion's level
    (None or "" clears it) and note, the overall comment, and a photo or file as evidence
    (replacing the last). All of it is saved, or nothing: a level that is not one of its
    criterion's raises SessionError naming every such criterion."""
    evaluation = _evaluation(session, participant, by)
    rubric = evaluation.rubric_version.rubric
    given = dict(evaluation.points)
    problems = []
    for criterion in rubric.criteria:
        value = points.get(criterion.key)
        if value in (None, ""):
            given.pop(criterion.key, None)
            continue
        try:
            score(rubric, {criterion.key: str(value)})
        except InvalidScore:
            problems.append(f"{criterion.name}: {_('That is not a level of this criterion.')}")
        given[criterion.key] = str(value)
    if problems:
        raise SessionError(problems)
    evaluation.points = given
    evaluation.notes = {
        **evaluation.notes,
        **{c.key: notes[c.key].strip() for c in rubric.criteria if c.key in notes},
    }
    return _comment_and_save(evaluation, comment=comment, evidence=evidence, by=by)


@transaction.atomic
def evaluation_comment(
    *, session: TrainingSession, participant, comment: str, evidence=None, by
) -> DrillEvaluation:
    """The trainer's overall comment, and a photo or file as evidence (replacing the last)."""
    evaluation = _evaluation(session, participant, by)
    return _comment_and_save(evaluation, comment=comment, evidence=evidence, by=by)
