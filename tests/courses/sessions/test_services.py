"""Live sessions' services (courses/sessions/services.py): places, the waiting list, check-in
codes, attendance and drill scores."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from courses.drills.rubrics import score
from courses.drills.selectors import current_rubric_version
from courses.learning import services
from courses.models import (
    Attendance,
    CheckInMethod,
    DrillEvaluation,
    Enrolment,
    SessionKind,
    SignUp,
    SignUpStatus,
)
from courses.sessions import services as sessions_services
from lms.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def make_session(people, org):
    """Sessions of the trainer, scheduled through the service, for the east region's staff
    (the trainer's) unless said."""
    trainer = people["trainer"].user

    def make(*, starts_in=HOUR * 24, title="服务礼仪课堂", **fields):
        fields.setdefault("audience_units", [org["east"]])
        return factories.make_session(
            trainer,
            scheduled_by=trainer,
            starts_at=timezone.now() + starts_in,
            title=title,
            **fields,
        )

    return make


def test_places_then_the_waiting_list_in_the_order_people_joined(people, make_session, make_staff):
    session = make_session(capacity=2)
    pudong = make_staff("pudong", roles=[Role.LEARNER], name="赵磊", number="L005")
    first = sessions_services.signup_create(session=session, user=people["learner"].user)
    second = sessions_services.signup_create(session=session, user=people["colleague"].user)
    third = sessions_services.signup_create(session=session, user=people["xihu"].user)
    fourth = sessions_services.signup_create(session=session, user=pudong.user)
    assert first.signup.status == second.signup.status == SignUpStatus.CONFIRMED
    assert (third.signup.status, third.waiting_place) == (SignUpStatus.WAITING, 1)
    assert (fourth.signup.status, fourth.waiting_place) == (SignUpStatus.WAITING, 2)
    again = sessions_services.signup_create(session=session, user=people["xihu"].user)
    assert again.waiting_place == 1  # signing up twice keeps one's place

    sessions_services.signup_cancel(session=session, user=people["learner"].user)
    statuses = dict(SignUp.objects.values_list("user__username", "status"))
    assert statuses["L003"] == SignUpStatus.CONFIRMED  # the first waiting moved up
    assert statuses["L005"] == SignUpStatus.WAITING
    assert statuses["L001"] == SignUpStatus.CANCELLED

    promoted = sessions_services.session_capacity_change(session=session, capacity=3)
    assert [s.user.username for s in promoted] == ["L005"]


def test_who_may_sign_up(people, make_session, org):
    session = make_session(audience_positions=["customer_service"])
    with pytest.raises(sessions_services.SessionError):
        sessions_services.signup_create(session=session, user=people["learner"].user)  # a courier
    east_only = make_session(audience_units=[org["east"]])
    sessions_services.signup_create(session=east_only, user=people["xihu"].user)  # under east
    with pytest.raises(sessions_services.SessionError):
        sessions_services.signup_create(session=east_only, user=people["south"].user)
    started = make_session(starts_in=-HOUR)
    with pytest.raises(sessions_services.SessionError):
        sessions_services.signup_create(session=started, user=people["learner"].user)
    assert not SignUp.objects.filter(user=people["south"].user).exists()


@pytest.fixture
def running(people, make_session):
    """A session under way, the learner with a confirmed place."""
    session = make_session(starts_in=-HOUR / 2)
    SignUp.objects.create(
        session=session,
        user=people["learner"].user,
        status=SignUpStatus.CONFIRMED,
        queued_at=timezone.now() - HOUR * 30,
    )
    return session


def test_the_room_code_checks_in_whoever_is_signed_in_and_only_while_it_is_fresh(people, running):
    now = timezone.now()
    token = sessions_services.check_in_token(running, now)
    signup = sessions_services.check_in(token=token, user=people["learner"].user, at=now)
    assert signup.attendance == Attendance.PRESENT
    assert signup.check_in_method == CheckInMethod.QR
    # Scanning again changes nothing; the previous code still works for a slow scan.
    late = now + datetime.timedelta(seconds=sessions_services.CHECK_IN_STEP)
    assert (
        sessions_services.check_in(token=token, user=people["learner"].user, at=late).pk
        == signup.pk
    )

    # A photo of the code sent on: stale a minute later, and no use to someone without a place.
    with pytest.raises(sessions_services.SessionError) as refused:
        sessions_services.check_in(
            token=token, user=people["learner"].user, at=now + datetime.timedelta(seconds=61)
        )
    assert refused.value.code == "expired"
    with pytest.raises(sessions_services.SessionError):
        sessions_services.check_in(token=token, user=people["colleague"].user, at=now)
    assert not SignUp.objects.filter(user=people["colleague"].user).exists()


def test_a_forged_or_another_sessions_code_is_refused(people, running, make_session):
    now = timezone.now()
    token = sessions_services.check_in_token(running, now)
    session_id, rest = token.split(".", 1)
    for bad in ["", "garbage", f"{int(session_id) + 1}.{rest}", token[:-2] + "xx"]:
        with pytest.raises(sessions_services.SessionError):
            sessions_services.check_in(token=bad, user=people["learner"].user, at=now)
    tomorrow = make_session(starts_in=HOUR * 24)
    with pytest.raises(sessions_services.SessionError) as refused:
        sessions_services.check_in(
            token=sessions_services.check_in_token(tomorrow, now),
            user=people["learner"].user,
            at=now,
        )
    assert refused.value.code == "outside_window"
    assert SignUp.objects.get(user=people["learner"].user).attendance == Attendance.UNKNOWN


def test_attendance_by_the_list_and_no_shows(people, running):
    trainer = people["trainer"].user
    with pytest.raises(PermissionDenied):
        sessions_services.attendance_mark(
            session=running, user=people["learner"].user, present=True, by=people["colleague"].user
        )
    walk_in = sessions_services.attendance_mark(
        session=running, user=people["colleague"].user, present=True, by=trainer
    )
    assert (walk_in.status, walk_in.check_in_method) == (SignUpStatus.CONFIRMED, "list")
    assert sessions_services.attendance_close(session=running, by=trainer) == 1
    assert SignUp.objects.get(user=people["learner"].user).attendance == Attendance.ABSENT


def test_an_attended_session_completes_the_course_that_requires_it(people, course, running):
    learner = people["learner"].user

    running.course, running.required_for_course = course, True
    running.save()
    for lesson in course.lessons:
        services.lesson_complete(user=learner, lesson=lesson)
    enrolment = Enrolment.objects.get(user=learner, course=course)
    assert enrolment.completed_at is None  # lessons done, the session not yet attended
    sessions_services.check_in(token=sessions_services.check_in_token(running), user=learner)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None


def test_drill_scores_stay_on_the_rubric_version_the_session_was_scheduled_with(
    people, make_session, index
):
    drill = factories.drill(index.get_parent(), publish_by=people["admin"].user)
    session = make_session(kind=SessionKind.DRILL, drill=drill, starts_in=-HOUR)
    learner, trainer = people["learner"].user, people["trainer"].user
    SignUp.objects.create(
        session=session, user=learner, status=SignUpStatus.CONFIRMED, queued_at=timezone.now()
    )
    first_version = current_rubric_version(drill)

    # The drill is edited and published again: a new version; the session keeps its own.
    drill.rubric[0].value["weight"] = Decimal(5)
    drill.save_revision().publish()
    assert current_rubric_version(drill).number == 2
    session.refresh_from_db()
    assert session.rubric_version == first_version

    keys = [c.key for c in first_version.rubric.criteria]
    sessions_services.evaluation_score(
        session=session,
        participant=learner,
        criterion=keys[0],
        points="2",
        note="语气平和",
        by=trainer,
    )
    evaluation = DrillEvaluation.objects.get()
    assert evaluation.percent is None  # one criterion of two
    with pytest.raises(sessions_services.SessionError):
        sessions_services.evaluation_score(
            session=session, participant=learner, criterion=keys[1], points="7", by=trainer
        )
    sessions_services.evaluation_score(
        session=session, participant=learner, criterion=keys[1], points="2", by=trainer
    )
    evaluation.refresh_from_db()
    expected = score(first_version.rubric, {keys[0]: "2", keys[1]: "2"}).percent
    assert evaluation.percent == expected == Decimal("62.5")
    assert evaluation.rubric_version == first_version and evaluation.notes[keys[0]] == "语气平和"
    with pytest.raises(PermissionDenied):
        sessions_services.evaluation_score(
            session=session, participant=learner, criterion=keys[1], points="0", by=learner
        )


def test_publishing_an_unchanged_rubric_keeps_its_version(people, index):
    drill = factories.drill(index.get_parent(), publish_by=people["admin"].user)
    drill.title = "客户投诉电话演练 (修订)"
    drill.save_revision().publish()
    assert list(drill.rubric_versions.values_list("number", flat=True)) == [1]


def test_people_are_told_when_the_waiting_list_moves_up_and_when_a_session_is_cancelled(
    people, make_session, mailoutbox, django_capture_on_commit_callbacks
):
    for person in ("learner", "colleague", "xihu"):
        people[person].user.email = f"{person}@example.com"
        people[person].user.save()
    session = make_session(capacity=1, title="派送规范课堂")
    sessions_services.signup_create(session=session, user=people["learner"].user)
    sessions_services.signup_create(session=session, user=people["colleague"].user)
    sessions_services.signup_create(session=session, user=people["xihu"].user)
    with django_capture_on_commit_callbacks(execute=True):
        sessions_services.signup_cancel(session=session, user=people["learner"].user)
    (promoted,) = mailoutbox
    assert promoted.to == ["colleague@example.com"] and "派送规范课堂" in promoted.subject

    with django_capture_on_commit_callbacks(execute=True):
        sessions_services.session_cancel(session=session, by=people["trainer"].user)
    cancelled = {tuple(message.to) for message in mailoutbox[1:]}
    assert cancelled == {("colleague@example.com",), ("xihu@example.com",)}
    assert all("&" not in message.body for message in mailoutbox)  # plain text, not HTML
