"""Load the demo live training: drills from the manual, and a month of sessions around today.

Called at the end of `courses.demo.load_demo_courses`, after the demo people and courses
exist. Created once (while the "实战演练" drill index does not exist); deterministic (a
seeded random generator); times are local (Asia/Shanghai) working hours, counted from
the day of loading.

- Four drills written by the trainer T0002 and approved by the lead trainer T0001 (so each has
  rubric version 1; an author never approves their own drill), and one more by T0002 waiting
  in the review workflow for T0001's approval.
- About two weeks of past sessions (sign-ups, attendance by QR code or ticked, no-shows,
  drill scores) and two weeks of future ones (sign-ups, some full with a waiting list).
  T0001 (lead trainer of the east region) runs those of 上海浦东站 and 杭州西湖站, T0002 those
  of 广州天河站, the station they look after: each session's audience lies within its
  trainer's units, as scheduling requires.
- The demo learner E1001 (王喆) has drill scores and an upcoming session signed up for.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from courses.demo.live_content import (
    COMMENTS,
    DRAFT_DRILL,
    DRILL_INDEX,
    DRILL_SESSION_DESCRIPTION,
    DRILLS,
    LEAD_TRAINER,
    LEARNER_ALSO_AT,
    NOTES,
    PUDONG,
    SESSION_DESCRIPTION,
    SESSIONS,
    TIANHE,
    TRAINER,
    XIHU,
)
from courses.drills.selectors import review_workflow
from courses.models.live import (
    DrillIndexPage,
    DrillPage,
    SessionKind,
    SignUp,
    SignUpStatus,
    TrainingSession,
)
from courses.models.pages import CoursePage, TrainingHomePage
from courses.sessions import services
from lms.models.accounts import StaffProfile, StaffStatus, User
from lms.models.org import OrgUnit

SEED = 20261127


LEARNER = "E1001"


def load_demo_live(stdout=None) -> None:
    """Create the demo drills and sessions once (skipped when the drill index exists)."""
    if DrillIndexPage.objects.exists():
        _say(stdout, "Demo live training already loaded.")
        return
    training = TrainingHomePage.objects.first()
    users = {u.username: u for u in User.objects.filter(username__in=[LEAD_TRAINER, TRAINER])}
    if training is None or len(users) < 2:
        _say(stdout, "No training home or demo trainers: demo live training not loaded.")
        return
    rng = random.Random(SEED)
    with transaction.atomic():
        drills = _drills(training, lead=users[LEAD_TRAINER], trainer=users[TRAINER])
        made = _sessions(drills, users, rng)
    _say(
        stdout,
        f"Demo live training loaded: {len(drills)} drills published and 1 in review, "
        f"{len(made)} sessions, {SignUp.objects.count()} sign-ups.",
    )


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


# Drills --------------------------------------------------------------------


def _drill_page(spec: dict, owner: User) -> DrillPage:
    fields = {key: value for key, value in spec.items() if key != "roles"}
    return DrillPage(
        **fields,
        roles=[("role", {"name": name, "brief": brief}) for name, brief in spec["roles"]],
        owner=owner,
        live=False,
    )


def _drills(training: TrainingHomePage, *, lead: User, trainer: User) -> dict[str, DrillPage]:
    index = DrillIndexPage(**DRILL_INDEX)
    training.add_child(instance=index)
    index.save_revision(user=lead).publish(user=lead)
    drills = {}
    for key, spec in DRILLS.items():
        # written by the trainer, approved by the lead trainer: an author never approves
        page = _drill_page(spec, owner=trainer)
        index.add_child(instance=page)
        page.save_revision(user=trainer).publish(user=lead)
        page.refresh_from_db()
        drills[key] = page
    draft = _drill_page(DRAFT_DRILL, owner=trainer)
    index.add_child(instance=draft)
    draft.save_revision(user=trainer)
    workflow = review_workflow()
    if workflow is not None:
        workflow.start(draft, trainer)
    return drills


# Sessions ------------------------------------------------------------------


def _local(day: datetime.date, hhmm: str) -> datetime.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, minute)),
        timezone.get_current_timezone(),
    )


def _working_day(today: datetime.date, offset: int) -> datetime.date:
    """`offset` days from today, moved off the weekend away from today."""
    day = today + datetime.timedelta(days=offset)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1 if offset > 0 else -1)
    return day


def _audience(units: list[OrgUnit], positions: list[str]) -> list[User]:
    profiles = StaffProfile.objects.filter(
        status=StaffStatus.ACTIVE, user__username__startswith="E"
    ).select_related("user", "org_unit")
    found = [
        p
        for p in profiles
        if any(p.org_unit.path.startswith(u.path) for u in units)
        and (not positions or p.position in positions)
    ]
    return [p.user for p in sorted(found, key=lambda p: p.user.username)]


def _sessions(drills: dict[str, DrillPage], trainers: dict[str, User], rng: random.Random):
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[PUDONG, XIHU, TIANHE])}
    courses = {c.slug: c for c in CoursePage.objects.live()}
    learner = User.objects.filter(username=LEARNER).first()
    now = timezone.now()
    today = timezone.localdate()
    made = []
    for (
        offset, start, end, kind, title, drill_key, course_slug, required,
        place, unit_codes, trainer_number, capacity, wanted,
    ) in SESSIONS:  # fmt: skip
        day = _working_day(today, offset)
        drill = drills.get(drill_key) if drill_key else None
        session_units = [units[code] for code in unit_codes if code in units]
        positions = list(drill.target_positions) if drill else []
        session = services.session_schedule(
            by=trainers[trainer_number],
            kind=kind,
            title=title,
            description=(
                DRILL_SESSION_DESCRIPTION.format(drill=drill.title)
                if drill
                else SESSION_DESCRIPTION
            ),
            drill=drill,
            course=courses.get(course_slug),
            required_for_course=required and course_slug in courses,
            starts_at=_local(day, start),
            ends_at=_local(day, end),
            place=place,
            trainer=trainers[trainer_number],
            capacity=capacity,
            audience_units=session_units,
            audience_positions=positions,
        )
        people = _audience(session_units, positions)
        chosen = rng.sample(people, min(wanted, len(people)))
        learner_joins = kind == SessionKind.DRILL or offset in LEARNER_ALSO_AT
        if learner_joins and learner in people and learner not in chosen:
            chosen.insert(0, learner)
        if session.starts_at > now:
            for user in chosen:
                services.signup_create(session=session, user=user)
        else:
            _past(session, chosen, rng)
        made.append(session)
    return made


def _past(session: TrainingSession, people: list[User], rng: random.Random) -> None:
    """Sign-ups taken before the session, then attendance and (for drills) scores."""
    trainer = session.trainer
    confirmed = people[: session.capacity]
    for n, user in enumerate(people):
        # The sign-up service refuses sessions that have started: the past is written as is.
        SignUp.objects.create(
            session=session,
            user=user,
            status=SignUpStatus.CONFIRMED if user in confirmed else SignUpStatus.WAITING,
            queued_at=session.starts_at - datetime.timedelta(days=5, minutes=-17 * n),
        )
    present = []
    for user in confirmed:
        roll = rng.random()
        if user.username == LEARNER or roll < 0.45:
            at = session.starts_at - datetime.timedelta(minutes=rng.randint(1, 20))
            services.check_in(token=services.check_in_token(session, at), user=user, at=at)
            present.append(user)
        elif roll < 0.85:
            services.attendance_mark(session=session, user=user, present=True, by=trainer)
            present.append(user)
        # else: a no-show, recorded absent when the trainer closes the list
    services.attendance_close(session=session, by=trainer)
    if session.kind == SessionKind.DRILL:
        for n, user in enumerate(present):
            _score(session, user, rng, comment=COMMENTS[n % len(COMMENTS)] if n < 3 else "")


def _score(session: TrainingSession, user: User, rng: random.Random, *, comment: str) -> None:
    rubric = session.rubric_version.rubric
    for criterion in rubric.criteria:
        levels = sorted(criterion.levels, key=lambda level: level.points, reverse=True)
        level = rng.choices(levels, weights=[3, 5, 2, 1][: len(levels)])[0]
        note = rng.choice(NOTES) if rng.random() < 0.15 else None
        services.evaluation_score(
            session=session,
            participant=user,
            criterion=criterion.key,
            points=level.points,
            note=note,
            by=session.trainer,
        )
    if comment:
        services.evaluation_comment(
            session=session, participant=user, comment=comment, by=session.trainer
        )
