# ruff: noqa: RUF001
"""The notification service: the inbox, e-mail, and DingTalk's and WeCom's group robots, checked
by a local HTTP server the tests start (tests/lms/robot_server.py: it checks each robot's
documented JSON and recomputes DingTalk's signature from the shared secret); at most once,
retried with back-off, quiet hours, each person's choices, failures shown to administrators.
A robot per org unit: tests/lms/test_group_robots.py."""

from __future__ import annotations

import datetime
import json
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from lms.models import Delivery, Notification
from lms.notifications import delivery, payloads, registry, services
from tests.factories import in_english

pytestmark = pytest.mark.django_db

KIND = registry.register(
    registry.Kind(
        "tests.hello",
        "A test event",
        (registry.INBOX, registry.EMAIL, registry.DINGTALK, registry.WECOM),
        "the tests",
    )
)
URGENT = registry.register(registry.Kind("tests.urgent", "An urgent test event", urgent=True))
PRIVATE = registry.register(
    registry.Kind(
        "tests.private",
        "A private test event",
        (registry.INBOX, registry.EMAIL, registry.DINGTALK, registry.WECOM),
        private=True,
    )
)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.LMS_ENFORCE_MFA = False  # the second factor has its own tests


@pytest.fixture
def person(people):
    profile = people["learner"]
    profile.phone = "13800000001"
    profile.save()
    user = profile.user
    user.email = "wz@example.com"
    user.save()
    return user


def _notify(capture, people, key="event-1", kind="tests.hello", **extra):
    with capture(execute=True):
        return services.notify(
            kind=kind,
            people=people,
            key=key,
            subject="派送规范课堂已取消",
            body="原定于明天的课堂已取消。",
            link="/learning/sessions/",
            **extra,
        )


def test_each_channel_gets_its_documented_message_and_dingtalks_signature(
    robots, person, django_capture_on_commit_callbacks
):
    (notification,) = _notify(django_capture_on_commit_callbacks, [person])

    assert robots.problems == []
    assert sorted((vendor, robot) for vendor, robot, _ in robots.received) == [
        ("dingtalk", "robot-token"),
        ("wecom", "wecom-key"),
    ]
    dingtalk = next(p for vendor, _, p in robots.received if vendor == "dingtalk")
    assert dingtalk["at"]["atMobiles"] == ["13800000001"]
    assert "@13800000001" in dingtalk["markdown"]["text"]
    assert "派送规范课堂已取消" in dingtalk["markdown"]["text"]
    assert "http://" in dingtalk["markdown"]["text"]  # the link to the thing
    # WeCom mentions by mobile only in a text message: subject, body and link as plain text.
    wecom = next(p for vendor, _, p in robots.received if vendor == "wecom")
    assert wecom["msgtype"] == "text"
    assert wecom["text"]["mentioned_mobile_list"] == ["13800000001"]
    content = wecom["text"]["content"]
    assert content.startswith("派送规范课堂已取消\n\n原定于明天的课堂已取消。")
    assert content.endswith("查看：http://testserver/learning/sessions/")  # Chinese punctuation
    (email,) = mail.outbox
    assert email.to == ["wz@example.com"] and email.subject == "派送规范课堂已取消"
    assert "/learning/sessions/" in email.body
    states = dict(notification.deliveries.values_list("channel", "state"))
    assert states == {"email": "sent", "dingtalk": "sent", "wecom": "sent"}


def test_a_wrong_dingtalk_secret_is_a_failure_recorded_with_the_robots_answer(
    robots, person, settings, django_capture_on_commit_callbacks
):
    settings.LMS_DINGTALK_SECRET = "not the shared one"
    _notify(django_capture_on_commit_callbacks, [person])
    assert robots.problems == ["sign mismatch"]
    failed = Delivery.objects.get(channel="dingtalk")
    assert failed.state == "retrying" and "310000" in failed.last_error


def test_the_same_event_twice_is_one_notification(
    robots, person, django_capture_on_commit_callbacks
):
    _notify(django_capture_on_commit_callbacks, [person])
    again = _notify(django_capture_on_commit_callbacks, [person])
    assert again == []
    assert Notification.objects.filter(person=person).count() == 1
    assert len(robots.received) == 2 and len(mail.outbox) == 1
    # Another event of the same kind is another notification.
    _notify(django_capture_on_commit_callbacks, [person], key="event-2")
    assert Notification.objects.filter(person=person).count() == 2


def test_a_failing_channel_is_retried_with_back_off_until_it_answers(
    robots, person, settings, django_capture_on_commit_callbacks
):
    settings.LMS_NOTIFY_CHANNELS = ["wecom"]
    robots.answers = [500, 500]
    start = timezone.now()
    _notify(django_capture_on_commit_callbacks, [person])
    failed = Delivery.objects.get()
    assert failed.state == "retrying" and failed.attempts == 1
    assert failed.last_error == "RuntimeError: HTTP 500"
    assert failed.next_try_at >= start + datetime.timedelta(seconds=60)

    assert delivery.deliver_due(now=start + datetime.timedelta(seconds=30)) == 0  # not yet
    assert delivery.deliver_due(now=start + datetime.timedelta(seconds=61)) == 0  # 500 again
    failed.refresh_from_db()
    assert failed.attempts == 2
    assert failed.next_try_at >= start + datetime.timedelta(seconds=61 + 120)  # twice as long
    sent = delivery.deliver_due(now=start + datetime.timedelta(seconds=61 + 121))
    assert sent == 1
    failed.refresh_from_db()
    assert failed.state == "sent" and failed.attempts == 3
    assert len(robots.received) == 3


def test_after_its_last_try_a_delivery_is_failed_and_administrators_see_it(
    robots, person, people, settings, login, django_capture_on_commit_callbacks
):
    settings.LMS_NOTIFY_CHANNELS = ["wecom"]
    settings.LMS_NOTIFY_MAX_ATTEMPTS = 2
    robots.answers = [503, 503]
    _notify(django_capture_on_commit_callbacks, [person])
    delivery.deliver_due(now=timezone.now() + datetime.timedelta(hours=1))
    failed = Delivery.objects.get()
    assert failed.state == "failed" and failed.next_try_at is None
    assert delivery.deliver_due(now=timezone.now() + datetime.timedelta(days=1)) == 0

    page = in_english(login(people["admin"])).get("/notifications/failed/")
    assert page.status_code == 200
    assert b"HTTP 503" in page.content and "派送规范课堂已取消" in page.content.decode()
    assert login(people["learner"]).get("/notifications/failed/").status_code == 403

    admin = login(people["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/notifications/failed/{failed.pk}/retry/")
    failed.refresh_from_db()
    assert failed.state == "sent"


@pytest.mark.parametrize("state", ["sent", "pending"])
def test_a_delivery_that_has_not_failed_is_not_tried_again(
    robots, person, people, settings, login, django_capture_on_commit_callbacks, state
):
    """ "Try again" on a delivery sent meanwhile (a stale page, an id typed in) would send the
    message twice: refused, said so, nothing changed, nothing sent."""
    settings.LMS_NOTIFY_CHANNELS = ["wecom"]
    _notify(django_capture_on_commit_callbacks, [person])
    sent = Delivery.objects.get()
    assert sent.state == "sent"
    Delivery.objects.filter(pk=sent.pk).update(state=state)
    before = Delivery.objects.filter(pk=sent.pk).values().get()
    admin = in_english(login(people["admin"]))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page = admin.post(f"/notifications/failed/{sent.pk}/retry/")
    assert page.status_code == 409
    assert "This delivery has not failed" in page.content.decode()
    assert callbacks == []
    assert Delivery.objects.filter(pk=sent.pk).values().get() == before
    assert len(robots.received) == 1


def test_only_administrators_try_a_delivery_again_and_only_one_that_exists(
    robots, person, people, settings, login, django_capture_on_commit_callbacks
):
    settings.LMS_NOTIFY_CHANNELS = ["wecom"]
    robots.answers = [503]
    _notify(django_capture_on_commit_callbacks, [person])
    retrying = Delivery.objects.get()
    before = Delivery.objects.filter(pk=retrying.pk).values().get()
    for name in ("learner", "hr", "trainer"):
        client = login(people[name])
        assert client.get("/notifications/failed/").status_code == 403
        assert client.post(f"/notifications/failed/{retrying.pk}/retry/").status_code == 403
    admin = login(people["admin"])
    for wrong in ("999999", "-1", "abc", str(2**63), "9" * 30):
        assert admin.post(f"/notifications/failed/{wrong}/retry/").status_code == 404
    assert admin.get(f"/notifications/failed/{retrying.pk}/retry/").status_code == 405
    assert Delivery.objects.filter(pk=retrying.pk).values().get() == before


def test_quiet_hours_hold_back_external_channels_but_not_the_inbox(
    robots, person, settings, login, django_capture_on_commit_callbacks
):
    settings.LMS_NOTIFY_QUIET_HOURS = "22:00-07:00"
    late = datetime.datetime(2026, 12, 7, 23, 30, tzinfo=SHANGHAI)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(kind="tests.hello", people=[person], key="q", subject="夜里", body="")
    # The task ran "now"; run the delivery again as if it were 23:30 in Shanghai.
    Delivery.objects.update(state="pending", next_try_at=None, attempts=0)
    robots.received.clear()
    mail.outbox.clear()
    assert delivery.deliver_due(now=late) == 0
    assert robots.received == [] and mail.outbox == []
    waiting = Delivery.objects.first()
    assert waiting.next_try_at == datetime.datetime(2026, 12, 8, 7, 0, tzinfo=SHANGHAI)
    assert b"\xe5\xa4\x9c\xe9\x87\x8c" in login(person).get("/inbox/").content  # 夜里, at once

    assert delivery.deliver_due(now=late + datetime.timedelta(hours=2)) == 0  # 01:30, quiet
    assert delivery.deliver_due(now=late + datetime.timedelta(hours=7, minutes=31)) == 3
    assert len(robots.received) == 2 and len(mail.outbox) == 1


def test_quiet_hours_do_not_hold_back_an_urgent_kind(robots, person, settings):
    settings.LMS_NOTIFY_QUIET_HOURS = "22:00-07:00"
    services.notify(kind="tests.urgent", people=[person], key="u", subject="急", body="")
    late = datetime.datetime(2026, 12, 7, 23, 30, tzinfo=SHANGHAI)
    assert delivery.deliver_due(now=late) == 1  # e-mail, the urgent kind's default
    assert len(mail.outbox) == 1


def test_quiet_hours_windows():
    assert payloads.in_quiet_hours("22:00-07:00", 23 * 60)
    assert payloads.in_quiet_hours("22:00-07:00", 6 * 60 + 59)
    assert not payloads.in_quiet_hours("22:00-07:00", 7 * 60)
    assert not payloads.in_quiet_hours("22:00-07:00", 12 * 60)
    assert payloads.in_quiet_hours("12:00-13:30", 13 * 60)
    assert not payloads.in_quiet_hours("", 23 * 60)
    assert payloads.in_quiet_hours("7-8", 7 * 60 + 30)


@pytest.mark.parametrize(
    "wrong",
    [
        "25:00-07:00",
        "22:00-24:00",
        "22:75-07:00",
        "22:00",
        "22:00-",
        "-07:00",
        "22:00-22:00",
        "7:00-7",
        "ten-seven",
        "22:00-07:00-08:00",
        "22.00-07.00",
    ],
)
def test_quiet_hours_that_are_no_window_stop_the_site_saying_why(wrong):
    """Read when the site starts: a wrong value is an error there, not a delivery that fails
    (or, for "22:75", quiet hours ending at 23:15) at the first message sent."""
    from django.core.exceptions import ImproperlyConfigured

    from lms.settings.env import quiet_hours

    with pytest.raises(ImproperlyConfigured, match="LMS_NOTIFY_QUIET_HOURS"):
        quiet_hours(wrong)
    assert quiet_hours(" 22:00-07:00 ") == "22:00-07:00"
    assert quiet_hours("") == ""


def test_each_person_chooses_channels_within_what_the_company_enabled(
    robots, person, settings, login, django_capture_on_commit_callbacks
):
    settings.LMS_NOTIFY_CHANNELS = ["email", "dingtalk"]  # WeCom not enabled
    client = in_english(login(person))
    page = client.get("/account/notifications/")
    html = page.content.decode()
    assert 'name="tests.hello:email" checked' in html
    assert 'name="tests.hello:dingtalk" checked' in html
    assert "tests.hello:wecom" not in html
    client.post("/account/notifications/", {"tests.hello:dingtalk": "on"})  # e-mail off
    assert 'name="tests.hello:email" checked' not in client.get("/account/notifications/")
    assert 'name="tests.hello:email">' in client.get("/account/notifications/").content.decode()

    _notify(django_capture_on_commit_callbacks, [person])
    assert mail.outbox == []
    assert [vendor for vendor, _, _ in robots.received] == ["dingtalk"]
    assert Notification.objects.filter(person=person).count() == 1  # the inbox, always


def test_the_inbox_counts_unread_opens_the_thing_and_marks_all_read(
    person, people, login, django_assert_max_num_queries
):
    for number in range(30):
        services.notify(
            kind="tests.hello",
            people=[person],
            key=f"n{number}",
            subject=f"通知 {number}",
            body="",
            link="/learning/",
        )
    services.notify(kind="tests.hello", people=[people["colleague"].user], key="x", subject="别人")
    client = login(person)
    home = client.get("/")
    assert b"data-unread-badge" in home.content and b">30<" in home.content
    with django_assert_max_num_queries(12):
        page = client.get("/inbox/")
    html = page.content.decode()
    assert html.count("data-notification=") == 30
    assert html.index("通知 29<") < html.index("通知 28<") < html.index("通知 0<")  # newest first
    assert "别人" not in html

    newest = Notification.objects.filter(person=person).first()
    opened = client.post(f"/inbox/{newest.pk}/open/")
    assert opened.status_code == 302 and opened["Location"] == "/learning/"
    assert b">29<" in client.get("/").content
    theirs = Notification.objects.get(person=people["colleague"].user)
    assert client.post(f"/inbox/{theirs.pk}/open/").status_code == 404

    client.post("/inbox/read-all/")
    assert b"data-unread-badge" not in client.get("/").content
    assert Notification.objects.filter(person=person, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None

    english = in_english(client).get("/inbox/").content.decode()
    assert "Inbox" in english and "Mark all read" in english


def test_the_resend_command_delivers_what_is_due(robots, person, settings):
    settings.LMS_NOTIFY_CHANNELS = ["wecom"]
    robots.answers = [500]
    services.notify(kind="tests.hello", people=[person], key="c", subject="s", body="b")
    # No commit in this test: the task was not queued; the command finds the delivery.
    from io import StringIO

    out = StringIO()
    call_command("notifications_send", stdout=out)
    assert Delivery.objects.get().state == "retrying"
    Delivery.objects.update(next_try_at=timezone.now())
    call_command("notifications_send", stdout=out)
    assert Delivery.objects.get().state == "sent"
    assert "1 delivered" in out.getvalue()


def test_many_people_at_once_each_with_their_own_link_in_a_few_queries(
    robots, make_staff, person, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """A cycle's results or a course for a whole station: 60 people told in a bounded number of
    queries, each with their own link, the unread badge right for each, and the same event
    again changes nothing."""
    staff = [make_staff(number=f"B{n:04d}").user for n in range(60)]
    staff[0].is_active = False
    staff[0].save()
    services.preferences_set(person=staff[1], choices={("tests.hello", "email"): False})
    recipients = [services.Recipient(u, f"/results/{u.pk}/") for u in staff]
    with django_assert_max_num_queries(12), django_capture_on_commit_callbacks() as callbacks:
        created = services.notify_each(
            kind="tests.hello", key="cycle-7", recipients=recipients, subject="成绩已公布"
        )
    assert len(created) == 59  # the leaver is not told
    assert len(callbacks) == 1  # one delivery task for the lot
    told = Notification.objects.get(person=staff[5], key="cycle-7")
    assert told.link == f"/results/{staff[5].pk}/"
    assert services.selectors.unread_badge(staff[5]) == 1
    assert not Notification.objects.filter(person=staff[0]).exists()
    # Person 1 turned e-mail off for this kind; people without an address get no e-mail.
    assert "email" not in set(
        Delivery.objects.filter(notification__person=staff[1]).values_list("channel", flat=True)
    )
    again = services.notify_each(kind="tests.hello", key="cycle-7", recipients=recipients)
    assert again == []
    assert Notification.objects.filter(key="cycle-7").count() == 59


def test_a_batch_that_meets_an_earlier_notification_still_tells_the_others(person, make_staff):
    """Told already (by a concurrent run, say): that person is skipped, the rest are told."""
    other = make_staff(number="B0100").user
    services.notify(kind="tests.hello", people=[person], key="race", subject="一")
    created = services.notify(kind="tests.hello", people=[person, other], key="race", subject="一")
    assert [n.person for n in created] == [other]
    assert Notification.objects.filter(key="race").count() == 2


def test_a_private_kind_tells_the_group_only_that_a_message_waits(
    robots, person, django_capture_on_commit_callbacks
):
    """An appeal's answer or why a course was given goes to the person's inbox and e-mail; the
    group chat reads only that a message is waiting for them."""
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            kind="tests.private",
            people=[person],
            key="p",
            subject="您对第三季度考核的申诉已答复",
            body="经复核，客户投诉与您无关，满意度得分已更正。",
            link="/assessment/mine/",
        )
    assert robots.problems == []
    posted = json.dumps([p for _, _, p in robots.received], ensure_ascii=False)
    assert len(robots.received) == 2
    assert "申诉" not in posted and "投诉" not in posted
    assert "收件箱" in posted and "/assessment/mine/" in posted and "13800000001" in posted
    (email,) = mail.outbox
    assert "客户投诉与您无关" in email.body


def test_a_robot_posts_at_most_its_limit_a_minute_and_the_rest_wait_untried(
    robots, make_staff, settings, django_capture_on_commit_callbacks
):
    """DingTalk and WeCom refuse a robot's 21st message in a minute: the rest wait for the
    next minute without spending a try, and all are posted in the end."""
    settings.LMS_ROBOT_PER_MINUTE = 3
    settings.LMS_NOTIFY_CHANNELS = ["dingtalk"]
    staff = [make_staff(number=f"R{n:03d}").user for n in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(kind="tests.hello", people=staff, key="paced", subject="课表", body="")
    assert len(robots.received) == 3
    waiting = Delivery.objects.filter(state="pending")
    assert waiting.count() == 2 and all(d.attempts == 0 for d in waiting)
    assert all(d.next_try_at.second == 0 for d in waiting)  # the next minute
    # The next run, a minute on, posts the rest.
    later = timezone.now() + datetime.timedelta(minutes=1)
    assert delivery.deliver_due(now=later) == 2
    assert len(robots.received) == 5 and robots.problems == []


def test_the_unread_badge_comes_back_when_the_cache_lost_it(person, login):
    """Redis restarted or the key was evicted: the next page counts once and shows it again."""
    from django.core.cache import cache

    for number in range(3):
        services.notify(kind="tests.hello", people=[person], key=f"l{number}", subject="s")
    client = login(person)  # counted at sign-in
    cache.delete(f"notifications:unread:{person.pk}")
    assert b">3<" in client.get("/").content
    assert cache.get(f"notifications:unread:{person.pk}") == 3


def test_each_person_is_offered_only_the_kinds_they_can_receive(people, login):
    """A courier is not asked about HR's imports or the lead trainers' drill reviews."""
    learner = login(people["learner"].user).get("/account/notifications/").content.decode()
    assert "learning.assigned:" in learner and "sessions.booked:" in learner
    assert "imports.finished:" not in learner
    assert "certificates.expiring_hr:" not in learner
    assert "drills.review:" not in learner
    hr = login(people["hr"].user).get("/account/notifications/").content.decode()
    assert "imports.finished:" in hr and "certificates.expiring_hr:" in hr
    assert "drills.review:" not in hr


def test_the_company_sets_a_kinds_default_channels_and_people_may_still_choose(
    robots, person, settings, login, django_capture_on_commit_callbacks
):
    """LMS_NOTIFY_DEFAULTS: a cycle's results by e-mail only, not in the group chats, unless
    a person turns their robot on."""
    settings.LMS_NOTIFY_DEFAULTS = {"tests.hello": ("email",)}
    _notify(django_capture_on_commit_callbacks, [person])
    assert len(mail.outbox) == 1 and robots.received == []
    client = login(person)
    client.post("/account/notifications/", {"tests.hello:email": "on", "tests.hello:wecom": "on"})
    _notify(django_capture_on_commit_callbacks, [person], key="event-2")
    assert [vendor for vendor, _, _ in robots.received] == ["wecom"]


def test_the_defaults_setting_is_read_and_checked():
    from django.core.exceptions import ImproperlyConfigured

    from lms.notifications.checks import defaults_name_known_kinds
    from lms.settings.env import notify_defaults

    assert notify_defaults("") == {}
    assert notify_defaults(" results.published = email ; certificates.issued= ; ") == {
        "results.published": ("email",),
        "certificates.issued": (),
    }
    for wrong in ("results.published", "results.published=sms", "=email"):
        with pytest.raises(ImproperlyConfigured, match="LMS_NOTIFY_DEFAULTS"):
            notify_defaults(wrong)
    assert defaults_name_known_kinds(None) == []


def test_a_misspelt_kind_in_the_defaults_stops_the_check(settings):
    from lms.notifications.checks import defaults_name_known_kinds

    settings.LMS_NOTIFY_DEFAULTS = {"results.publish": ("email",)}
    (error,) = defaults_name_known_kinds(None)
    assert error.id == "lms.E002" and "results.publish" in error.msg
    assert "results.published" in error.hint


def test_the_deploy_guide_names_every_kind_an_operator_may_set():
    from pathlib import Path

    from django.conf import settings as django_settings

    guide = (Path(django_settings.BASE_DIR) / "deploy" / "README.md").read_text()
    missing = [k.name for k in registry.kinds() if not k.name.startswith("tests.")]
    assert [name for name in missing if f"`{name}`" not in guide] == []


# E-mail over a real SMTP connection (tests/lms/smtp_server.py) ------------------------------


def _mail_to_many(make_staff, count, key="results-1"):
    staff = []
    for n in range(count):
        user = make_staff(number=f"M{n:04d}").user
        user.email = f"m{n:04d}@example.com"
        user.save(update_fields=["email"])
        staff.append(user)
    services.notify_each(
        kind="tests.hello",
        key=key,
        recipients=[services.Recipient(u, f"/results/{u.pk}/") for u in staff],
        subject="成绩已公布",
        body="您的考核结果已确定。",
    )
    return staff


def _emailed(relay):
    return sorted(recipients[0] for _, _, recipients, _ in relay.messages)


def test_a_run_of_e_mails_goes_over_one_connection_to_the_mail_server(
    smtp_relay, make_staff, settings
):
    settings.LMS_NOTIFY_CHANNELS = ["inbox", "email"]
    staff = _mail_to_many(make_staff, 25)

    assert delivery.deliver_due() == 25
    assert smtp_relay.connections == 1  # not one handshake a message
    assert _emailed(smtp_relay) == sorted(u.email for u in staff)
    _, _, _, message = smtp_relay.messages[0]
    assert message["Subject"] == "成绩已公布"
    assert "您的考核结果已确定。" in message.get_content()
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}


def test_a_relay_that_closes_connections_after_some_messages_still_gets_each_once(
    smtp_relay, make_staff, settings
):
    """Relays limit the messages a connection carries (421 at the next MAIL FROM): the run
    goes on over a new connection, each message sent once, none left for a retry."""
    settings.LMS_NOTIFY_CHANNELS = ["inbox", "email"]
    smtp_relay.per_connection = 10
    staff = _mail_to_many(make_staff, 25)

    assert delivery.deliver_due() == 25
    assert smtp_relay.connections == 3
    assert _emailed(smtp_relay) == sorted(u.email for u in staff)  # each once
    assert not Delivery.objects.exclude(state="sent").exists()


def test_a_mail_server_that_says_nothing_holds_a_worker_only_for_email_timeout(
    smtp_relay, make_staff, settings
):
    settings.LMS_NOTIFY_CHANNELS = ["inbox", "email"]
    settings.EMAIL_TIMEOUT = 1
    smtp_relay.hang.set()
    _mail_to_many(make_staff, 2)

    started = timezone.now()
    assert delivery.deliver_due() == 0
    assert timezone.now() - started < datetime.timedelta(seconds=10)  # not for ever
    waiting = list(Delivery.objects.filter(channel="email"))
    assert {d.state for d in waiting} == {"retrying"}  # tried again later, with back-off
    assert all("timed out" in d.last_error for d in waiting)


def test_the_site_waits_for_the_mail_server_a_bounded_time_by_default():
    from django.conf import settings as site

    assert site.EMAIL_TIMEOUT == 20
