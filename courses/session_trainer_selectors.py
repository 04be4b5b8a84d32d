"""Reads for the trainer's pages in the room: sessions to run, the attendance list and the
drill scoring sheet, each in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from courses.models import (
    Attendance,
    DrillEvaluation,
    SessionState,
    SignUp,
    SignUpStatus,
    TrainingSession,
)
from courses.rubrics import Rubric
from lms.roles import Role, has_role

RECENT_DAYS = 14


# Sessions to run -------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionsToRun:
    today: list[TrainingSession]
    upcoming: list[TrainingSession]
    recent: list[TrainingSession]  # the last RECENT_DAYS days, latest first


def sessions_runnable_by(user) -> QuerySet[TrainingSession]:
    """The sessions `user` may run: their own; every session for lead trainers and admins."""
    sessions = TrainingSession.objects.exclude(state=SessionState.CANCELLED)
    if not has_role(user, Role.LEAD_TRAINER, Role.ADMINISTRATOR):
        sessions = sessions.filter(trainer=user)
    return sessions


def sessions_to_run(user, *, now: datetime.datetime | None = None) -> SessionsToRun:
    """Today's sessions, then the upcoming ones, then the last two weeks'. One query."""
    now = timezone.localtime(now or timezone.now())
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    day_end = day_start + datetime.timedelta(days=1)
    confirmed = Q(signups__status=SignUpStatus.CONFIRMED)
    sessions = list(
        sessions_runnable_by(user)
        .filter(starts_at__gte=day_start - datetime.timedelta(days=RECENT_DAYS))
        .select_related("trainer__profile")
        .annotate(
            confirmed=Count("signups", filter=confirmed),
            present=Count("signups", filter=confirmed & Q(signups__attendance=Attendance.PRESENT)),
        )
        .order_by("starts_at", "pk")
    )
    # Today: what starts today, and what is still under way (a session past midnight).
    today = [s for s in sessions if day_start <= s.starts_at < day_end or s.ends_at > now]
    return SessionsToRun(
        today=[s for s in today if s.starts_at < day_end],
        upcoming=[s for s in sessions if s.starts_at >= day_end],
        recent=[s for s in reversed(sessions) if s.starts_at < day_start and s not in today],
    )


# Attendance ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceCounts:
    present: int
    absent: int
    unknown: int


def attendance_list(session: TrainingSession) -> list[SignUp]:
    """Confirmed people by name, then the waiting list in its order. One query."""
    signups = (
        SignUp.objects.filter(
            session=session, status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITING]
        )
        .select_related("user__profile__org_unit")
        .order_by("status", "user__profile__full_name", "queued_at", "pk")
    )
    return sorted(signups, key=lambda s: s.status != SignUpStatus.CONFIRMED)


def attendance_counts(session: TrainingSession) -> AttendanceCounts:
    """Among the confirmed: present, absent, not recorded. One query."""
    counts = SignUp.objects.filter(session=session, status=SignUpStatus.CONFIRMED).aggregate(
        present=Count("pk", filter=Q(attendance=Attendance.PRESENT)),
        absent=Count("pk", filter=Q(attendance=Attendance.ABSENT)),
        unknown=Count("pk", filter=Q(attendance=Attendance.UNKNOWN)),
    )
    return AttendanceCounts(**counts)


def checked_in_count(session: TrainingSession) -> int:
    return SignUp.objects.filter(
        session=session, status=SignUpStatus.CONFIRMED, attendance=Attendance.PRESENT
    ).count()


# Drill scoring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoringRow:
    signup: SignUp
    evaluation: DrillEvaluation | None
    scored: int
    total: int

    @property
    def user(self):
        return self.signup.user

    @property
    def percent(self):
        return self.evaluation.percent if self.evaluation else None


def scoring_rows(session: TrainingSession, rubric: Rubric) -> list[ScoringRow]:
    """The confirmed participants, present first, with their progress. Two queries."""
    signups = (
        SignUp.objects.filter(session=session, status=SignUpStatus.CONFIRMED)
        .select_related("user__profile__org_unit")
        .order_by("user__profile__full_name", "pk")
    )
    order = {Attendance.PRESENT: 0, Attendance.UNKNOWN: 1, Attendance.ABSENT: 2}
    signups = sorted(signups, key=lambda s: order.get(s.attendance, 1))
    evaluations = {e.user_id: e for e in DrillEvaluation.objects.filter(session=session)}
    keys = {c.key for c in rubric.criteria}
    rows = []
    for signup in signups:
        evaluation = evaluations.get(signup.user_id)
        scored = len(keys.intersection(evaluation.points)) if evaluation else 0
        rows.append(ScoringRow(signup, evaluation, scored, len(keys)))
    return rows


def evaluation_of(session: TrainingSession, user) -> DrillEvaluation | None:
    return DrillEvaluation.objects.filter(session=session, user=user).first()
