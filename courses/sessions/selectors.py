"""Reads of live training: the learner's sessions, sign-ups and drill results, and the
trainer's sessions to run, attendance lists and scoring rows; each in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.core import signing
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from courses.drills.rubrics import Criterion, InvalidScore, Level, Rubric, score
from courses.models.live import (
    Attendance,
    DrillEvaluation,
    DrillPage,
    SessionState,
    SignUp,
    SignUpStatus,
    TrainingSession,
)
from courses.sessions.permissions import in_audience, participant_rule, sessions_runnable_by
from courses.sessions.services import CHECK_IN_SALT
from lms.models.accounts import User
from lms.permissions import StaffVisibility

LIST_LIMIT = 200  # upcoming sessions listed at most; more is a scheduling problem, not a page


PAST_LIMIT = 100  # past sign-ups shown on "My sessions"


CALENDAR_PAST = datetime.timedelta(days=30)


# Sessions --------------------------------------------------------------------------------


def _sessions() -> QuerySet[TrainingSession]:
    return (
        TrainingSession.objects.select_related("trainer__profile", "course", "drill")
        .prefetch_related("audience_units")
        .annotate(
            confirmed_count=Count("signups", filter=Q(signups__status=SignUpStatus.CONFIRMED)),
            waiting_count=Count("signups", filter=Q(signups__status=SignUpStatus.WAITING)),
        )
    )


def _with_waiting_place(signups: QuerySet[SignUp]) -> QuerySet[SignUp]:
    """Annotate `ahead`: how many are before this sign-up on its session's waiting list."""
    ahead = (
        SignUp.objects.filter(
            session_id=OuterRef("session_id"),
            status=SignUpStatus.WAITING,
            queued_at__lt=OuterRef("queued_at"),
        )
        .order_by()
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return signups.annotate(ahead=Coalesce(Subquery(ahead), Value(0), output_field=IntegerField()))


@dataclass(frozen=True)
class SessionRow:
    """A session as one person sees it: the room left and their own place."""

    session: TrainingSession
    signup: SignUp | None
    waiting_place: int | None  # 1 = next in line
    open_to_user: bool = True

    @property
    def places_left(self) -> int:
        return max(self.session.capacity - self.session.confirmed_count, 0)

    @property
    def full(self) -> bool:
        return self.places_left == 0

    @property
    def status(self) -> str | None:
        """The person's sign-up status, None when they never signed up."""
        return self.signup.status if self.signup is not None else None

    @property
    def signed_up(self) -> bool:
        return self.status in (SignUpStatus.CONFIRMED, SignUpStatus.WAITING)

    @property
    def started(self) -> bool:
        return self.session.starts_at <= timezone.now()

    @property
    def cancelled(self) -> bool:
        return self.session.state == SessionState.CANCELLED

    @property
    def may_sign_up(self) -> bool:
        return self.open_to_user and not self.signed_up and not self.started and not self.cancelled

    @property
    def may_cancel(self) -> bool:
        return self.signed_up and not self.started


def _waiting_place(signup: SignUp | None) -> int | None:
    if signup is None or signup.status != SignUpStatus.WAITING:
        return None
    return signup.ahead + 1


def _signups_by_session(user, session_ids) -> dict[int, SignUp]:
    signups = _with_waiting_place(SignUp.objects.filter(user=user, session_id__in=session_ids))
    return {signup.session_id: signup for signup in signups}


def upcoming_sessions_for(
    user, *, kind: str = "", course_id: int | None = None, drill_id: int | None = None
) -> list[SessionRow]:
    """The scheduled sessions not yet started that `user` may attend, soonest first."""
    sessions = _sessions().filter(state=SessionState.SCHEDULED, starts_at__gt=timezone.now())
    if kind:
        sessions = sessions.filter(kind=kind)
    if course_id is not None:
        sessions = sessions.filter(course_id=course_id)
    if drill_id is not None:
        sessions = sessions.filter(drill_id=drill_id)
    found = [s for s in sessions.order_by("starts_at", "pk")[:LIST_LIMIT] if in_audience(user, s)]
    signups = _signups_by_session(user, [s.pk for s in found])
    return [SessionRow(s, signups.get(s.pk), _waiting_place(signups.get(s.pk))) for s in found]


def by_day(rows: list[SessionRow]) -> list[tuple[datetime.date, list[SessionRow]]]:
    """Rows grouped by the local day they start on (rows are in time order)."""

    def day(row: SessionRow) -> datetime.date:
        return timezone.localtime(row.session.starts_at).date()

    return [(key, list(group)) for key, group in groupby(rows, key=day)]


def session_for(user, session_id: int) -> SessionRow:
    """One session with the person's place in it; 404 when there is no such session."""
    session = _sessions().filter(pk=session_id).first()
    if session is None:
        raise Http404
    signup = _with_waiting_place(SignUp.objects.filter(user=user, session=session)).first()
    return SessionRow(session, signup, _waiting_place(signup), in_audience(user, session))


# My sessions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MySignUp:
    signup: SignUp
    waiting_place: int | None
    evaluation: DrillEvaluation | None

    @property
    def session(self) -> TrainingSession:
        return self.signup.session


@dataclass(frozen=True)
class MySessions:
    upcoming: list[MySignUp]
    past: list[MySignUp]


def my_sessions(user) -> MySessions:
    """The person's sign-ups, upcoming (soonest first) and past (latest first)."""
    now = timezone.now()
    base = _with_waiting_place(
        SignUp.objects.filter(user=user).select_related("session__trainer__profile")
    )
    upcoming = list(base.filter(session__ends_at__gte=now).order_by("session__starts_at", "pk"))
    past = list(base.filter(session__ends_at__lt=now).order_by("-session__starts_at", "-pk"))[
        :PAST_LIMIT
    ]
    evaluations = {
        e.session_id: e
        for e in DrillEvaluation.objects.filter(
            user=user, session_id__in=[s.session_id for s in upcoming + past]
        ).only("pk", "session_id", "percent")
    }
    return MySessions(
        upcoming=[MySignUp(s, _waiting_place(s), evaluations.get(s.session_id)) for s in upcoming],
        past=[MySignUp(s, _waiting_place(s), evaluations.get(s.session_id)) for s in past],
    )


def my_calendar_sessions(user) -> list[tuple[TrainingSession, SignUp]]:
    """What goes in the person's calendar feed: sessions they hold a place in (or are
    waiting for), upcoming and of the last 30 days, cancelled sessions included so that
    calendars remove them."""
    signups = (
        SignUp.objects.filter(
            user=user,
            status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITING],
            session__ends_at__gte=timezone.now() - CALENDAR_PAST,
        )
        .select_related("session__trainer__profile")
        .order_by("session__starts_at", "pk")
    )
    return [(signup.session, signup) for signup in signups]


# Drills ----------------------------------------------------------------------------------


def drill_upcoming_sessions(user, drill: DrillPage) -> list[SessionRow]:
    """For the drill's page: its sessions to come that the person may attend."""
    if not getattr(user, "is_authenticated", False):
        return []
    return upcoming_sessions_for(user, drill_id=drill.pk)


def my_drill_results(user) -> QuerySet[DrillEvaluation]:
    return (
        DrillEvaluation.objects.filter(user=user)
        .select_related("session", "rubric_version", "scored_by__profile")
        .order_by("-session__starts_at", "-pk")
    )


@dataclass(frozen=True)
class LevelCell:
    level: Level
    chosen: bool


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    levels: list[LevelCell]
    level: Level | None  # None: not scored yet
    points: Decimal | None
    note: str


@dataclass(frozen=True)
class DrillResult:
    evaluation: DrillEvaluation
    criteria: list[CriterionResult]
    percent: Decimal | None  # None: still being scored
    scored: int

    @property
    def complete(self) -> bool:
        return self.percent is not None


def drill_result_for(user, evaluation_id: int) -> DrillResult:
    """One of the person's own drill evaluations, criterion by criterion (404 otherwise)."""
    evaluation = my_drill_results(user).filter(pk=evaluation_id).first()
    if evaluation is None:
        raise Http404
    rubric = evaluation.rubric_version.rubric
    try:
        result = score(rubric, evaluation.points)
    except InvalidScore:  # never stored by the services; shown as not scored rather than 500
        result = score(rubric, {})
    criteria = [
        CriterionResult(
            criterion=part.criterion,
            levels=[LevelCell(lv, lv == part.level) for lv in part.criterion.levels],
            level=part.level,
            points=part.points,
            note=(evaluation.notes or {}).get(part.criterion.key, ""),
        )
        for part in result.criteria
    ]
    return DrillResult(evaluation, criteria, result.percent, result.scored)


RECENT_DAYS = 14


# Sessions to run -------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionsToRun:
    today: list[TrainingSession]
    upcoming: list[TrainingSession]
    recent: list[TrainingSession]  # the last RECENT_DAYS days, latest first


_signup_visibility = StaffVisibility(via="signups__user__profile")


def sessions_to_run(user, *, now: datetime.datetime | None = None) -> SessionsToRun:
    """Today's sessions, then the upcoming ones, then the last two weeks', with the people
    `user` may see among those confirmed and present. One query."""
    now = timezone.localtime(now or timezone.now())
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    day_end = day_start + datetime.timedelta(days=1)
    confirmed = Q(signups__status=SignUpStatus.CONFIRMED) & _signup_visibility.q(user)
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


def attendance_list(session: TrainingSession, user) -> list[SignUp]:
    """The people `user` may act on in the session: confirmed by name, then the waiting list
    in its order. One query (the session's audience units prefetched)."""
    signups = (
        SignUp.objects.filter(
            session=session, status__in=[SignUpStatus.CONFIRMED, SignUpStatus.WAITING]
        )
        .filter(participant_rule.q(user, session))
        .select_related("user__profile__org_unit")
        .order_by("status", "user__profile__full_name", "queued_at", "pk")
    )
    return sorted(signups, key=lambda s: s.status != SignUpStatus.CONFIRMED)


def attendance_counts(session: TrainingSession, user) -> AttendanceCounts:
    """Among the confirmed `user` may act on: present, absent, not recorded. One query."""
    signups = SignUp.objects.filter(session=session, status=SignUpStatus.CONFIRMED)
    counts = signups.filter(participant_rule.q(user, session)).aggregate(
        present=Count("pk", filter=Q(attendance=Attendance.PRESENT)),
        absent=Count("pk", filter=Q(attendance=Attendance.ABSENT)),
        unknown=Count("pk", filter=Q(attendance=Attendance.UNKNOWN)),
    )
    return AttendanceCounts(**counts)


def checked_in_count(session: TrainingSession, user) -> int:
    """The confirmed people present whom `user` may act on."""
    return (
        SignUp.objects.filter(
            session=session, status=SignUpStatus.CONFIRMED, attendance=Attendance.PRESENT
        )
        .filter(participant_rule.q(user, session))
        .count()
    )


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


def scoring_rows(session: TrainingSession, rubric: Rubric, user) -> list[ScoringRow]:
    """The confirmed participants `user` may score, present first, with their progress.
    Two queries (the session's audience units prefetched)."""
    signups = (
        SignUp.objects.filter(session=session, status=SignUpStatus.CONFIRMED)
        .filter(participant_rule.q(user, session))
        .select_related("user__profile__org_unit")
        .order_by("user__profile__full_name", "pk")
    )
    order = {Attendance.PRESENT: 0, Attendance.UNKNOWN: 1, Attendance.ABSENT: 2}
    signups = sorted(signups, key=lambda s: order.get(s.attendance, 1))
    evaluations = {
        e.user_id: e
        for e in DrillEvaluation.objects.filter(session=session).filter(
            participant_rule.q(user, session)
        )
    }
    keys = {c.key for c in rubric.criteria}
    rows = []
    for signup in signups:
        evaluation = evaluations.get(signup.user_id)
        scored = len(keys.intersection(evaluation.points)) if evaluation else 0
        rows.append(ScoringRow(signup, evaluation, scored, len(keys)))
    return rows


def walk_in_person(session: TrainingSession, number: str, user):
    """The active person with the employee number `number`, if `user` may act on them in
    the session; None otherwise, whether the number exists or not."""
    if not number:
        return None
    person = (
        User.objects.filter(username=number, is_active=True)
        .select_related("profile__org_unit")
        .first()
    )
    if person is None or not participant_rule.allows(user, session, person):
        return None
    return person


def participant_signup(
    session: TrainingSession, person_id: int | None, user, *, waiting: bool = False
) -> SignUp | None:
    """A sign-up of the session that `user` may act on: confirmed (or, with `waiting`, on
    the waiting list); None for anyone else, whether they exist or not."""
    statuses = (
        [SignUpStatus.CONFIRMED, SignUpStatus.WAITING] if waiting else [SignUpStatus.CONFIRMED]
    )
    return (
        SignUp.objects.filter(session=session, user_id=person_id, status__in=statuses)
        .filter(participant_rule.q(user, session))
        .select_related("user__profile__org_unit")
        .first()
    )


def evaluation_of(session: TrainingSession, user) -> DrillEvaluation | None:
    return DrillEvaluation.objects.filter(session=session, user=user).first()


# The home page ---------------------------------------------------------------------------


def next_booked_session(user, *, now: datetime.datetime | None = None) -> SignUp | None:
    """The person's next session with a confirmed place (not over, not cancelled). One query."""
    now = now or timezone.now()
    return (
        SignUp.objects.filter(
            user=user,
            status=SignUpStatus.CONFIRMED,
            session__state=SessionState.SCHEDULED,
            session__ends_at__gte=now,
        )
        .select_related("session")
        .order_by("session__starts_at", "pk")
        .first()
    )


HOME_SESSIONS_SHOWN = 10


def sessions_led_today_and_tomorrow(
    user, *, now: datetime.datetime | None = None
) -> list[TrainingSession]:
    """The sessions `user` is the trainer of, not cancelled, under way or starting before the
    end of tomorrow (local time), soonest first, with their confirmed count. One query."""
    now = timezone.localtime(now or timezone.now())
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    until = day_start + datetime.timedelta(days=2)
    return list(
        TrainingSession.objects.filter(
            trainer_id=user.pk,
            state=SessionState.SCHEDULED,
            ends_at__gt=now,
            starts_at__lt=until,
        )
        .annotate(
            confirmed=Count("signups", filter=Q(signups__status=SignUpStatus.CONFIRMED)),
        )
        .order_by("starts_at", "pk")[:HOME_SESSIONS_SHOWN]
    )


def session_for_check_in(token: str) -> TrainingSession | None:
    """The session a scanned check-in code is for (whatever its age: the confirmation page
    names the session; `services.check_in` decides whether the code still checks in), or
    None when it is not one of this site's codes."""
    try:
        value = signing.Signer(salt=CHECK_IN_SALT).unsign(token)
        session_id = int(value.split(".")[0])
    except (signing.BadSignature, ValueError):
        return None
    return TrainingSession.objects.filter(pk=session_id).first()
