# ruff: noqa: RUF001, RUF002
"""What people are told about their place in a session (courses/sessions/notices.py): a place
booked or a place on the waiting list, the session moved, and the reminder the day before."""

import datetime
import zoneinfo
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses.models import SignUpStatus
from courses.notifications import SESSION_BOOKED, SESSION_MOVED, SESSION_REMINDER
from courses.sessions import services
from courses.sessions.notices import session_reminders_send
from lms.models import Delivery, Notification
from lms.notifications import delivery
from lms.roles import Role
from lms.services import staff_mark_left
from tests import factories

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def make_session(people, org):
    """A session of the trainer for the east region's staff, tomorrow 09:00–11:00 (Shanghai)
    unless said, scheduled through the service."""
    trainer = people["trainer"].user

    def make(*, title="服务礼仪课堂", capacity=2, starts_at=None, **fields):
        return factories.make_session(
            trainer,
            scheduled_by=trainer,
            audience_units=[org["east"]],
            starts_at=starts_at or factories.at(days=1, hour=9),
            title=title,
            capacity=capacity,
            **fields,
        )

    return make


def english(profile):
    profile.user.language = "en"
    profile.user.save(update_fields=["language"])
    return profile.user


def told(profile, kind):
    return list(Notification.objects.filter(person=profile.user, kind=kind).order_by("pk"))


def edit(session, by, org, **changes):
    """The edit form's changes: the session as it is, with `changes`."""
    data = {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "place": session.place,
        "description": session.description,
        "audience_positions": session.audience_positions,
        "audience_units": [org["east"]],
        "audience_everyone": False,
        "capacity": session.capacity,
        **changes,
    }
    services.session_update(session=session, by=by, changes=data)
    session.refresh_from_db()
    return session


# Booked ------------------------------------------------------------------------------------


def test_signing_up_tells_the_person_their_place_or_their_place_in_line_in_their_language(
    people, make_session, login
):
    session = make_session(capacity=1)
    colleague = english(people["colleague"])
    # The times are the site's (Shanghai), whatever time zone is active when it happens.
    with timezone.override(zoneinfo.ZoneInfo("UTC")):
        services.signup_create(session=session, user=people["learner"].user)
    services.signup_create(session=session, user=colleague)

    (booked,) = told(people["learner"], SESSION_BOOKED)
    assert booked.subject == "已报名：服务礼仪课堂"
    day = factories.at(days=1, hour=9).date().isoformat()
    assert f"{day} 09:00–11:00" in booked.body and "浦东站二楼培训室" in booked.body
    assert "您已获得场次“服务礼仪课堂”的名额。" in booked.body
    page = reverse("sessions:session_detail", args=[session.pk])
    ics = reverse("sessions:session_ics", args=[session.pk])
    assert booked.link == page
    assert f"http://testserver{page}" in booked.body or page in booked.body
    assert ics in booked.body

    (waiting,) = told(people["colleague"], SESSION_BOOKED)
    assert waiting.subject == "On the waiting list: 服务礼仪课堂"
    assert "waiting list, number 1" in waiting.body
    assert "You do not have a place yet" in waiting.body
    assert f"{day} 09:00–11:00" in waiting.body

    # What the person sees in their inbox.
    inbox = login(people["colleague"]).get("/inbox/").content.decode()
    assert "On the waiting list: 服务礼仪课堂" in inbox
    assert "已报名" not in inbox  # the other person's message is not theirs


def test_signing_up_again_tells_nothing_but_signing_up_after_cancelling_is_told_again(
    people, make_session
):
    session = make_session(capacity=2)
    learner = people["learner"].user
    services.signup_create(session=session, user=learner)
    services.signup_create(session=session, user=learner)  # already signed up
    assert len(told(people["learner"], SESSION_BOOKED)) == 1

    services.signup_cancel(session=session, user=learner)
    services.signup_create(session=session, user=learner)
    assert [n.subject for n in told(people["learner"], SESSION_BOOKED)] == [
        "已报名：服务礼仪课堂",
        "已报名：服务礼仪课堂",
    ]


def test_a_refused_sign_up_tells_nothing(people, make_session):
    session = make_session()
    with pytest.raises(services.SessionError):
        services.signup_create(session=session, user=people["south"].user)  # not for them
    assert Notification.objects.filter(kind=SESSION_BOOKED).count() == 0


# Moved -------------------------------------------------------------------------------------


@pytest.fixture
def signed_up(people, make_session):
    """A session with the learner in it, the colleague waiting, and xihu, who left it."""
    session = make_session(capacity=1)
    services.signup_create(session=session, user=people["xihu"].user)
    services.signup_create(session=session, user=people["learner"].user)
    services.signup_cancel(session=session, user=people["xihu"].user)  # the learner moves up
    services.signup_create(session=session, user=people["colleague"].user)
    statuses = dict(session.signups.values_list("user__username", "status"))
    assert statuses == {
        "L001": SignUpStatus.CONFIRMED,
        "L002": SignUpStatus.WAITING,
        "L003": SignUpStatus.CANCELLED,
    }
    return session


def test_a_new_time_is_told_old_to_new_to_everyone_with_a_place_or_waiting(people, org, signed_up):
    english(people["colleague"])
    trainer = people["trainer"].user
    start = signed_up.starts_at
    edit(signed_up, trainer, org, starts_at=start + DAY + HOUR, ends_at=start + DAY + 3 * HOUR)

    day, next_day = start.astimezone(SHANGHAI).date(), (start + DAY).astimezone(SHANGHAI).date()
    (learner,) = told(people["learner"], SESSION_MOVED)
    assert learner.subject == "场次变更：服务礼仪课堂"
    assert "场次“服务礼仪课堂”的时间已变更。" in learner.body
    assert f"时间：{day} 09:00–11:00 → {next_day} 10:00–12:00" in learner.body
    assert "地点：浦东站二楼培训室" in learner.body and "→ 浦东" not in learner.body
    assert "您的名额保留" in learner.body
    assert learner.urgent
    (colleague,) = told(people["colleague"], SESSION_MOVED)
    assert colleague.subject == "Moved: 服务礼仪课堂"
    assert f"When: {day} 09:00–11:00 → {next_day} 10:00–12:00" in colleague.body
    assert "You are still on the waiting list." in colleague.body
    assert told(people["xihu"], SESSION_MOVED) == []  # left the session


def test_a_new_place_is_told_and_so_is_every_later_move_even_back(people, org, signed_up):
    trainer = people["trainer"].user
    start, end = signed_up.starts_at, signed_up.ends_at
    edit(signed_up, trainer, org, place="杭州西湖站会议室")
    (moved,) = told(people["learner"], SESSION_MOVED)
    assert "场次“服务礼仪课堂”的地点已变更。" in moved.body
    assert "地点：浦东站二楼培训室 → 杭州西湖站会议室" in moved.body

    edit(signed_up, trainer, org, starts_at=start + HOUR, ends_at=end + HOUR)
    edit(signed_up, trainer, org, starts_at=start, ends_at=end)  # and back
    back_home = {"place": "浦东站二楼培训室"}
    edit(signed_up, trainer, org, starts_at=start + HOUR, ends_at=end + HOUR, **back_home)
    bodies = [n.body for n in told(people["learner"], SESSION_MOVED)]
    assert len(bodies) == 4
    assert "09:00–11:00 → " in bodies[1] and "10:00–12:00 → " in bodies[2]
    assert "的时间和地点都已变更。" in bodies[3]
    assert "杭州西湖站会议室 → 浦东站二楼培训室" in bodies[3]
    assert len(told(people["colleague"], SESSION_MOVED)) == 4


def test_changing_only_the_description_or_the_capacity_tells_nobody_it_moved(
    people, org, signed_up
):
    trainer = people["trainer"].user
    edit(signed_up, trainer, org, description="请带上工牌。")
    edit(signed_up, trainer, org, capacity=2)  # the colleague gets a place: told of that only
    assert Notification.objects.filter(kind=SESSION_MOVED).count() == 0
    mine = Notification.objects.filter(person=people["colleague"].user).order_by("pk")
    assert [n.kind for n in mine] == [
        SESSION_BOOKED,
        "sessions.promoted",
    ]


def test_the_quiet_hours_hold_a_booking_but_not_a_move(people, org, make_session, settings):
    settings.LMS_NOTIFY_CHANNELS = ["email"]
    settings.LMS_NOTIFY_QUIET_HOURS = "22:00-07:00"
    learner = people["learner"].user
    learner.email = "learner@example.com"
    learner.save(update_fields=["email"])
    session = make_session()
    services.signup_create(session=session, user=learner)
    edit(session, people["trainer"].user, org, place="杭州西湖站会议室")

    late = datetime.datetime.combine(timezone.localdate(), datetime.time(23, 30), SHANGHAI)
    mail.outbox.clear()
    assert delivery.deliver_due(now=late) == 1
    (sent,) = mail.outbox
    assert sent.to == ["learner@example.com"] and sent.subject.endswith("场次变更：服务礼仪课堂")
    held = Delivery.objects.get(notification__kind=SESSION_BOOKED)
    assert held.state == "pending"
    assert held.next_try_at == late.replace(hour=7, minute=0) + DAY
    assert delivery.deliver_due(now=late + 8 * HOUR) == 1  # 07:30: the booking goes out


# The day before ----------------------------------------------------------------------------


def test_the_day_before_everyone_with_a_place_is_reminded_once(people, org, make_session):
    trainer = people["trainer"].user
    english(people["colleague"])
    session = make_session(capacity=3, title="派送规范课堂")
    for person in ("learner", "colleague", "xihu"):
        services.signup_create(session=session, user=people[person].user)
    services.signup_cancel(session=session, user=people["xihu"].user)  # left the session
    leaver = factories.staff(org["pudong-team"], roles=[Role.LEARNER], name="离职者")
    services.signup_create(session=session, user=leaver.user)
    staff_mark_left(profile=leaver, on=timezone.localdate(), by=people["admin"].user)
    # Not reminded: a cancelled session tomorrow, and a session the day after.
    cancelled = make_session(title="取消的课堂")
    services.signup_create(session=cancelled, user=people["learner"].user)
    services.session_cancel(session=cancelled, by=trainer)
    later = make_session(title="后天的课堂", starts_at=factories.at(days=2, hour=9))
    services.signup_create(session=later, user=people["learner"].user)

    assert session_reminders_send() == 2
    (learner,) = told(people["learner"], SESSION_REMINDER)
    assert learner.subject == "明日场次：派送规范课堂"
    assert "提醒：您已报名明天的场次“派送规范课堂”。" in learner.body
    assert "培训师：林海峰" in learner.body and "09:00–11:00" in learner.body
    (colleague,) = told(people["colleague"], SESSION_REMINDER)
    assert colleague.subject == "Tomorrow: 派送规范课堂"
    assert told(people["xihu"], SESSION_REMINDER) == []
    assert not Notification.objects.filter(person=leaver.user, kind=SESSION_REMINDER).exists()

    # Run again, or by a second machine: nobody is told twice.
    assert session_reminders_send() == 0
    assert Notification.objects.filter(kind=SESSION_REMINDER).count() == 2

    # Tomorrow's run reminds of the session of the day after, not of today's again.
    assert session_reminders_send(on=timezone.localdate() + DAY) == 1
    assert [n.subject for n in told(people["learner"], SESSION_REMINDER)] == [
        "明日场次：派送规范课堂",
        "明日场次：后天的课堂",
    ]


def test_a_session_moved_to_another_day_is_reminded_of_again(people, org, make_session):
    session = make_session()
    services.signup_create(session=session, user=people["learner"].user)
    assert session_reminders_send() == 1
    start, end = session.starts_at, session.ends_at
    edit(session, people["trainer"].user, org, starts_at=start + DAY, ends_at=end + DAY)
    assert session_reminders_send() == 0  # not tomorrow any more
    assert session_reminders_send(on=timezone.localdate() + DAY) == 1
    assert session_reminders_send(on=timezone.localdate() + DAY) == 0
    assert len(told(people["learner"], SESSION_REMINDER)) == 2


def test_the_reminders_of_a_full_session_take_a_few_queries(
    people, org, make_session, django_assert_max_num_queries
):
    big = make_session(capacity=30, title="大课堂")
    small = make_session(capacity=5, title="小课堂", starts_at=factories.at(days=1, hour=14))
    for n in range(30):
        person = factories.staff(org["pudong-team"], name=f"学员{n}", number=f"Q{n:03d}")
        services.signup_create(session=big, user=person.user)
        if n < 5:
            services.signup_create(session=small, user=person.user)
    # Two sessions, 35 people: a few queries a session, none a person.
    with django_assert_max_num_queries(16):
        assert session_reminders_send() == 35
    assert Notification.objects.filter(kind=SESSION_REMINDER).count() == 35


def test_the_command_runs_the_day_before_reminders_once(people, make_session):
    session = make_session()
    services.signup_create(session=session, user=people["learner"].user)
    out = StringIO()
    call_command("session_reminders", stdout=out)
    assert "1 people reminded" in out.getvalue()
    call_command("session_reminders", stdout=out)
    assert "0 people reminded" in out.getvalue()
    the_day_before = (timezone.localdate() - DAY).isoformat()
    call_command("session_reminders", "--on", the_day_before, stdout=out)
    assert out.getvalue().count("0 people reminded") == 2
