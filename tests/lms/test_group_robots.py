"""A group robot per org unit: a station's or a team's own DingTalk and WeCom group chats.

A person is told in their own unit's group, else the nearest unit's above, else the company's;
administrators set the robots on the unit's page (the secrets shown back only in part), try
them with a test message, and every change is in the audit log. Messages go to the local robot
server of tests/lms/robot_server.py, which checks each vendor's documented JSON and
DingTalk's signature with each robot's own secret."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.models import AuditEvent, Delivery, Notification, StaffProfile, UnitRobots
from lms.notifications import delivery, payloads, registry, services
from lms.notifications.robots import (
    DEFAULT_HOSTS,
    Robot,
    RobotDirectory,
    masked,
    webhook_problem,
)
from tests.factories import in_english
from tests.lms.robot_server import (
    dingtalk_webhook,
    wecom_webhook,
)

KIND = registry.register(
    registry.Kind(
        "tests.robots",
        "A test event for the group robots",
        (registry.INBOX, registry.DINGTALK, registry.WECOM),
        "the tests",
    )
)


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.LMS_ENFORCE_MFA = False  # the second factor has its own tests


def _set_robots(unit, admin, **change):
    return services.unit_robots_change(
        unit=unit, change=services.RobotChange(**change), by=admin.user
    )


def _pudong_dingtalk(robots, org, admin):
    """浦东站's own DingTalk robot (signed), set by an administrator."""
    return _set_robots(
        org["pudong"],
        admin,
        dingtalk_webhook=dingtalk_webhook(robots.base, "pudong-token"),
        dingtalk_secret="SEC-pudong",
    )


def _phones(people, **numbers):
    for name, phone in numbers.items():
        StaffProfile.objects.filter(pk=people[name].pk).update(phone=phone)


def _tell(capture, users, key="robots-1"):
    with capture(execute=True):
        return services.notify(
            kind="tests.robots",
            people=users,
            key=key,
            subject="派送规范课堂已取消",
            body="原定于明天的课堂已取消。",
            link="/learning/sessions/",
        )


def _who_got(robots) -> dict[tuple[str, str], list[str]]:
    """(vendor, robot) -> the mobiles mentioned there."""
    got: dict[tuple[str, str], list[str]] = {}
    for vendor, robot, payload in robots.received:
        if vendor == "dingtalk":
            mobiles = payload["at"]["atMobiles"]
        elif payload["msgtype"] == "text":
            mobiles = payload["text"]["mentioned_mobile_list"]
        else:
            mobiles = []
        got.setdefault((vendor, robot), []).extend(mobiles)
    return {key: sorted(value) for key, value in got.items()}


# Pure: whose robot is whose, webhooks, masking, WeCom's two messages -------------------------


def test_a_units_robot_then_the_nearest_above_then_the_companys():
    company = {
        "dingtalk": Robot("dingtalk", "https://d/company"),
        "wecom": Robot("wecom", "https://w/company"),
    }
    units = {
        "0001": {},  # the company's unit, no robot of its own
        "00010001": {"dingtalk": Robot("dingtalk", "https://d/east", "SEC", "华东区")},
        "000100010001": {"wecom": Robot("wecom", "https://w/pudong", "", "浦东站")},
    }
    directory = RobotDirectory(company=company, units=units, steplen=4)
    team = "0001000100010001"
    assert directory.robot("dingtalk", team).unit_name == "华东区"  # two levels up
    assert directory.robot("wecom", team).unit_name == "浦东站"  # one level up
    assert directory.robot("wecom", "000100010002").webhook == "https://w/company"
    assert directory.robot("dingtalk", "00010002").webhook == "https://d/company"
    assert directory.robot("dingtalk", None).webhook == "https://d/company"
    # A sibling whose path merely starts the same way is not below the unit.
    assert directory.robot("dingtalk", "00010002" + "0001").webhook == "https://d/company"

    alone = RobotDirectory(company={"dingtalk": Robot("dingtalk", "")}, units=units)
    assert alone.exists("dingtalk") and alone.exists("wecom")
    assert alone.channels(team) == {"dingtalk", "wecom"}
    assert alone.channels("00010002") == frozenset()
    assert not RobotDirectory(company={"dingtalk": Robot("dingtalk", "")}).exists("dingtalk")


@pytest.mark.parametrize(
    ("channel", "url", "hosts", "problem"),
    [
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc", DEFAULT_HOSTS, ""),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1", DEFAULT_HOSTS, ""),
        (
            "dingtalk",
            "http://oapi.dingtalk.com/robot/send?access_token=abc",
            DEFAULT_HOSTS,
            "https",
        ),
        (
            "dingtalk",
            "https://evil.example.com/robot/send?access_token=abc",
            DEFAULT_HOSTS,
            "host",
        ),
        (
            "dingtalk",
            "https://oapi.dingtalk.com.evil.example/robot/send?access_token=a",
            DEFAULT_HOSTS,
            "host",
        ),
        (
            "dingtalk",
            "https://oapi.dingtalk.com@evil.example/robot/send?access_token=a",
            DEFAULT_HOSTS,
            "host",
        ),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send", DEFAULT_HOSTS, "shape"),
        (
            "dingtalk",
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            DEFAULT_HOSTS,
            "shape",
        ),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=", DEFAULT_HOSTS, "shape"),
        ("wecom", "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", DEFAULT_HOSTS, "not_a_url"),
        ("wecom", "javascript:alert(1)", DEFAULT_HOSTS, "not_a_url"),
        ("dingtalk", "http://127.0.0.1:8000/robot/send?access_token=a", DEFAULT_HOSTS, "host"),
        ("dingtalk", "http://127.0.0.1:8000/robot/send?access_token=a", ["127.0.0.1"], ""),
        (
            "dingtalk",
            "http://robots.internal/robot/send?access_token=a",
            ["robots.internal"],
            "https",
        ),
    ],
)
def test_a_webhook_is_the_vendors_robot_over_https_on_an_allowed_host(
    channel, url, hosts, problem
):
    assert webhook_problem(channel, url, hosts) == problem


DING = "/robot/send?access_token=a"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        # A user name before the host: urllib would send it as Basic credentials.
        ("https://evil.example@oapi.dingtalk.com" + DING, "address"),
        ("https://user:pass@oapi.dingtalk.com" + DING, "address"),
        # Another port of the vendor's host is another service; a port that is no number.
        ("https://oapi.dingtalk.com:8443" + DING, "address"),
        ("https://oapi.dingtalk.com:443" + DING, "address"),
        ("https://oapi.dingtalk.com:abc" + DING, "not_a_url"),
        # IP literals, lookalikes and spellings of the host that are not it.
        ("https://127.0.0.1" + DING, "host"),
        ("https://[::1]" + DING, "host"),
        ("https://2130706433" + DING, "host"),
        ("https://oapi.dingtalk.xn--com-9o0a" + DING, "host"),
        ("https://oapi.dingtalk.c\u043em" + DING, "not_a_url"),  # a Cyrillic o
        ("https://\uff4fapi.dingtalk.com" + DING, "not_a_url"),  # a full-width o
        ("https://oapi.dingtalk.com." + DING, "host"),
        # Whitespace and control characters inside, which urlsplit would silently drop.
        ("https://oapi.dingtalk.com/robot/send?access_token=a\nX-Evil: 1", "not_a_url"),
        ("https://evil.example\t@oapi.dingtalk.com" + DING, "not_a_url"),
        ("https://oapi.dingtalk.com\n@evil.example" + DING, "not_a_url"),
        ("https://oapi.dingtalk.com/robot/send?access_token=a b", "not_a_url"),
        ("https://oapi.dingtalk.com/robot/send?access_token=a\x00", "not_a_url"),
        # The vendor's host however it is capitalised is the vendor's host.
        ("https://OAPI.DingTalk.com" + DING, ""),
        ("  https://oapi.dingtalk.com" + DING + "\n", ""),
    ],
)
def test_a_webhook_is_the_address_alone_with_no_tricks_around_the_host(url, problem):
    assert webhook_problem("dingtalk", url, DEFAULT_HOSTS) == problem


def test_the_local_test_robot_keeps_its_port_and_plain_http():
    url = "http://127.0.0.1:8000" + DING
    assert webhook_problem("dingtalk", url, ["127.0.0.1"]) == ""
    assert webhook_problem("dingtalk", "http://u@127.0.0.1:8000" + DING, ["127.0.0.1"]) == (
        "address"
    )


def test_secrets_are_shown_by_their_last_characters_only():
    assert masked("SEC0123456789abcdef") == "…cdef"
    assert masked("SEC12345") == "…"  # too short to show any of it
    assert masked("") == ""
    assert (
        masked("https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef")
        == "https://oapi.dingtalk.com/robot/send?access_token=…cdef"
    )
    assert (
        masked("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-1234")
        == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…1234"
    )


def test_wecom_mentions_by_mobile_in_a_text_message_else_sends_markdown():
    message = payloads.Message(
        "课程即将到期", "请在周五前完成。", "https://lms/x", "打开", "13800000009"
    )
    text = payloads.wecom_payload(message)
    assert text == {
        "msgtype": "text",
        "text": {
            "content": "课程即将到期\n\n请在周五前完成。\n\n打开: https://lms/x",
            "mentioned_mobile_list": ["13800000009"],
        },
    }
    without = payloads.wecom_payload(
        payloads.Message("课程即将到期", "请在周五前完成。", "https://lms/x", "打开")
    )
    assert (
        without["msgtype"] == "markdown"
        and "[打开](https://lms/x)" in without["markdown"]["content"]
    )
    # A long body is cut to WeCom's 2048 bytes; the subject and the link stay whole.
    long = payloads.wecom_payload(
        payloads.Message("标题", "长" * 2000, "https://lms/x", "打开", "13800000009")
    )
    content = long["text"]["content"]
    assert len(content.encode()) <= 2048
    assert content.startswith("标题\n\n长长") and content.endswith("长…\n\n打开: https://lms/x")


# Delivery: each person in their own group -------------------------------------------------


def test_each_person_is_told_in_their_units_group_or_the_nearest_above_or_the_companys(
    robots, org, people, django_capture_on_commit_callbacks
):
    admin = people["admin"]
    base = robots.base
    _set_robots(
        org["east"],
        admin,
        dingtalk_webhook=dingtalk_webhook(base, "east-token"),
        dingtalk_secret="SEC-east",
    )
    _set_robots(
        org["pudong"],
        admin,
        dingtalk_webhook=dingtalk_webhook(base, "pudong-token"),
        dingtalk_secret="SEC-pudong",
    )
    _set_robots(org["south"], admin, wecom_webhook=wecom_webhook(base, "south-key"))
    _phones(
        people, learner="13800000001", xihu="13800000003", south="13800000004", hr="13800000005"
    )
    users = [people[name].user for name in ("learner", "xihu", "south", "hr")]

    _tell(django_capture_on_commit_callbacks, users)

    assert robots.problems == []
    assert _who_got(robots) == {
        ("dingtalk", "pudong-token"): ["13800000001"],  # 浦东收派组 → 浦东站's robot
        ("dingtalk", "east-token"): ["13800000003"],  # 西湖站 → 华东区's
        ("dingtalk", "robot-token"): ["13800000004", "13800000005"],  # the company's
        ("wecom", "south-key"): ["13800000004"],  # 天河站 → 华南区's
        ("wecom", "wecom-key"): ["13800000001", "13800000003", "13800000005"],
    }
    assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}


def test_a_robot_on_one_unit_alone_reaches_its_staff_and_no_one_else(
    robots, org, people, settings, login, django_capture_on_commit_callbacks
):
    settings.LMS_DINGTALK_WEBHOOK = settings.LMS_WECOM_WEBHOOK = ""  # no company-wide robots
    assert services.enabled_channels() == ("inbox", "email")
    _pudong_dingtalk(robots, org, people["admin"])
    assert services.enabled_channels() == ("inbox", "email", "dingtalk")

    learner, south = people["learner"].user, people["south"].user
    assert services.channels_for(learner, KIND) == ["inbox", "dingtalk"]
    assert services.channels_for(south, KIND) == ["inbox"]
    # Each chooses among the channels that reach them.
    assert (
        "tests.robots:dingtalk" in login(learner).get("/account/notifications/").content.decode()
    )
    assert (
        "tests.robots:dingtalk" not in login(south).get("/account/notifications/").content.decode()
    )

    _tell(django_capture_on_commit_callbacks, [learner, south])
    assert [(vendor, robot) for vendor, robot, _ in robots.received] == [
        ("dingtalk", "pudong-token")
    ]
    assert list(Delivery.objects.values_list("notification__person", "channel")) == [
        (learner.pk, "dingtalk")
    ]
    assert Notification.objects.count() == 2  # the inbox, for both


def test_the_robot_is_the_one_of_the_persons_unit_when_it_is_sent(robots, org, people, settings):
    """Told while in 浦东收派组, sent after a move to 天河站: 华南区's group gets it. Moved
    where no robot reaches, the delivery fails at once, for an administrator to see."""
    admin = people["admin"]
    _pudong_dingtalk(robots, org, admin)
    _set_robots(org["south"], admin, wecom_webhook=wecom_webhook(robots.base, "south-key"))
    learner = people["learner"]
    _phones(people, learner="13800000001")
    services.notify(kind="tests.robots", people=[learner.user], key="moved", subject="s")
    StaffProfile.objects.filter(pk=learner.pk).update(org_unit=org["tianhe"])

    assert delivery.deliver_due() == 2
    assert _who_got(robots) == {
        ("dingtalk", "robot-token"): ["13800000001"],
        ("wecom", "south-key"): ["13800000001"],
    }

    StaffProfile.objects.filter(pk=learner.pk).update(org_unit=org["pudong-team"])
    services.notify(kind="tests.robots", people=[learner.user], key="again", subject="s")
    StaffProfile.objects.filter(pk=learner.pk).update(org_unit=org["xihu"])
    settings.LMS_DINGTALK_WEBHOOK = settings.LMS_WECOM_WEBHOOK = ""
    robots.received.clear()
    assert delivery.deliver_due() == 0
    assert robots.received == []
    failed = Delivery.objects.filter(notification__key="again").order_by("channel")
    assert [(d.channel, d.state, d.attempts) for d in failed] == [
        ("dingtalk", "failed", 1),  # not retried: nothing would change
        ("wecom", "failed", 1),
    ]
    assert "no dingtalk robot" in failed[0].last_error


def test_notify_each_finds_everyones_robot_in_a_few_queries_whatever_their_number(
    robots, org, people, make_staff, settings, django_capture_on_commit_callbacks
):
    settings.LMS_DINGTALK_WEBHOOK = settings.LMS_WECOM_WEBHOOK = ""
    admin = people["admin"]
    _set_robots(
        org["east"],
        admin,
        dingtalk_webhook=dingtalk_webhook(robots.base, "east-token"),
        dingtalk_secret="SEC-east",
    )
    _pudong_dingtalk(robots, org, admin)
    _set_robots(org["south"], admin, wecom_webhook=wecom_webhook(robots.base, "south-key"))
    units = ["pudong-team", "xihu", "tianhe"]
    staff = [make_staff(units[n % 3], number=f"R{n:04d}").user for n in range(90)]

    def told(users, key) -> int:
        recipients = [services.Recipient(u, f"/x/{u.pk}/") for u in users]
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks():
            services.notify_each(kind="tests.robots", key=key, recipients=recipients, subject="s")
        return len(queries)

    few, many = told(staff[:9], "few"), told(staff[9:], "many")
    assert few == many <= 14
    channels = {}
    for person, channel in Delivery.objects.values_list(
        "notification__person__profile__org_unit__code", "channel"
    ):
        channels.setdefault(person, set()).add(channel)
    assert channels == {"pudong-team": {"dingtalk"}, "xihu": {"dingtalk"}, "tianhe": {"wecom"}}
    assert Delivery.objects.count() == 90


# The unit's page: setting, masking, removing, refusing, testing ------------------------------


def test_an_administrator_sets_a_units_robots_and_sees_them_only_in_part(
    robots, org, people, login
):
    client = in_english(login(people["admin"]))
    url = "/org/pudong/robots/"
    page = client.get(url).content.decode()
    assert "the company-wide robot" in page and "None saved." in page

    ding = dingtalk_webhook(robots.base, "pudong-token")
    answer = client.post(url, {"dingtalk_webhook": ding, "dingtalk_secret": "SEC-pudong"})
    assert answer.status_code == 302
    saved = UnitRobots.objects.get(unit=org["pudong"])
    assert (saved.dingtalk_webhook, saved.dingtalk_secret) == (ding, "SEC-pudong")
    page = client.get(url).content.decode()
    assert "this unit&#x27;s own robot" in page or "this unit's own robot" in page
    assert "access_token=…oken" in page and "Saved: …dong" in page
    assert "pudong-token" not in page and "SEC-pudong" not in page

    # Blank keeps what is saved; the WeCom robot is added beside it.
    client.post(
        url,
        {
            "dingtalk_webhook": "",
            "dingtalk_secret": "",
            "wecom_webhook": wecom_webhook(robots.base, "pudong-key"),
        },
    )
    saved.refresh_from_db()
    assert saved.dingtalk_secret == "SEC-pudong" and saved.wecom_webhook.endswith("pudong-key")
    # Units below without robots of their own are reached by it; the tree marks it.
    assert "the robot of 浦东站" in client.get("/org/pudong-team/robots/").content.decode()
    tree = client.get("/org/").content.decode()
    marked = tree.split('data-unit-robots="pudong"')[1].split("</td>")[0]
    assert "DingTalk" in marked and "WeCom" in marked

    # Remove DingTalk's; WeCom's stays. Remove that too: the unit has none.
    client.post(url, {"dingtalk_remove": "on"})
    saved.refresh_from_db()
    assert (saved.dingtalk_webhook, saved.dingtalk_secret) == ("", "")
    assert saved.wecom_webhook
    client.post(url, {"wecom_remove": "on"})
    assert not UnitRobots.objects.filter(unit=org["pudong"]).exists()

    events = AuditEvent.objects.filter(action="org.robots_changed").order_by("pk")
    assert [e.details["changed"] for e in events] == [
        ["dingtalk.webhook", "dingtalk.secret"],
        ["wecom.webhook"],
        ["dingtalk.removed"],
        ["wecom.removed"],
    ]
    assert {e.object_repr for e in events} == {"浦东站"}
    assert {e.actor_id for e in events} == {people["admin"].user_id}
    logged = json.dumps([e.details for e in events])
    assert "pudong-token" not in logged and "SEC-pudong" not in logged
    # Nothing asked, nothing changed, nothing logged.
    client.post(url, {})
    assert AuditEvent.objects.filter(action="org.robots_changed").count() == 4


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (
            {"dingtalk_webhook": "https://evil.example.com/robot/send?access_token=x"},
            "dingtalk_webhook",
            "must be on oapi.dingtalk.com",
        ),
        (
            {"dingtalk_webhook": "http://oapi.dingtalk.com/robot/send?access_token=x"},
            "dingtalk_webhook",
            "must start with https://",
        ),
        (
            {"wecom_webhook": "https://oapi.dingtalk.com/robot/send?access_token=x"},
            "wecom_webhook",
            "not the robot&#x27;s webhook",
        ),
        (
            {
                "dingtalk_webhook": "https://oapi.dingtalk.com/robot/send?access_token=x",
                "dingtalk_secret": "https://oapi.dingtalk.com/robot/send?access_token=x",
            },
            "dingtalk_secret",
            "starts with SEC",
        ),
        ({"dingtalk_secret": "SEC123456789"}, "dingtalk_webhook", "webhook with its secret"),
        (
            {"dingtalk_webhook": "https://evil@oapi.dingtalk.com/robot/send?access_token=x"},
            "dingtalk_webhook",
            "no user name, password or port",
        ),
        (
            {"wecom_webhook": "https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send?key=k"},
            "wecom_webhook",
            "no user name, password or port",
        ),
        (
            {"wecom_webhook": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k\r\nX: 1"},
            "wecom_webhook",
            "Paste the robot&#x27;s whole webhook URL",
        ),
        (
            {
                "dingtalk_webhook": "https://oapi.dingtalk.com/robot/send?access_token=x",
                "dingtalk_secret": "SEC123\r\nX-Evil: 1",
            },
            "dingtalk_secret",
            "no spaces, tabs or line breaks",
        ),
        (
            {"dingtalk_webhook": "https://oapi.dingtalk.com/robot/send?access_token=" + "x" * 600},
            "dingtalk_webhook",
            "at most 500 characters",
        ),
    ],
)
def test_a_webhook_off_the_vendors_hosts_or_a_wrong_secret_is_refused(
    org, people, login, data, field, words
):
    client = in_english(login(people["admin"]))
    page = client.post("/org/pudong/robots/", data)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="id_{field}_error"' in html and words in html
    assert not UnitRobots.objects.exists()
    assert not AuditEvent.objects.filter(action="org.robots_changed").exists()


def test_only_administrators_see_or_change_the_robots(org, people, login):
    for name in ("hr", "trainer", "learner"):
        client = login(people[name])
        assert client.get("/org/pudong/robots/").status_code == 403
        assert client.post("/org/pudong/robots/", {"wecom_remove": "on"}).status_code == 403
        assert client.post("/org/pudong/robots/test/", {"channel": "wecom"}).status_code == 403
    assert "data-unit-robots" not in login(people["hr"]).get("/org/").content.decode()
    assert login(people["admin"]).get("/org/nowhere/robots/").status_code == 404


def test_a_test_message_is_sent_now_and_the_robots_answer_shown(
    robots, org, people, settings, login
):
    admin = people["admin"]
    _pudong_dingtalk(robots, org, admin)
    client = in_english(login(admin))

    page = client.post("/org/pudong-team/robots/test/", {"channel": "dingtalk"}, follow=True)
    html = page.content.decode()
    assert "The DingTalk robot took the test message; it answered:" in html
    assert "&quot;errcode&quot;: 0" in html
    ((vendor, robot, payload),) = robots.received
    assert (vendor, robot) == ("dingtalk", "pudong-token")
    assert "Test message from" in payload["markdown"]["title"]
    assert "浦东收派组" in payload["markdown"]["text"]

    UnitRobots.objects.filter(unit=org["pudong"]).update(dingtalk_secret="SEC-not-theirs")
    html = client.post(
        "/org/pudong/robots/test/", {"channel": "dingtalk"}, follow=True
    ).content.decode()
    assert "The DingTalk robot did not take the test message" in html
    assert "sign mismatch" in html and "310000" in html

    settings.LMS_WECOM_WEBHOOK = ""
    html = client.post("/org/pudong/robots/test/", {"channel": "wecom"}, follow=True)
    assert "No WeCom robot reaches this unit." in html.content.decode()
    assert client.post("/org/pudong/robots/test/", {"channel": "sms"}).status_code == 404
    assert len(robots.received) == 2

    # Each message sent is in the audit log, taken or not (none where no robot was reached),
    # and no answer in it: an error may quote the webhook's access token.
    tested = AuditEvent.objects.filter(action="org.robot_tested").order_by("pk")
    assert [(e.actor_id, e.object_repr, e.details) for e in tested] == [
        (admin.user_id, "浦东收派组", {"channel": "dingtalk", "robot": "浦东站", "ok": True}),
        (admin.user_id, "浦东站", {"channel": "dingtalk", "robot": "浦东站", "ok": False}),
    ]


def test_the_company_wide_secret_still_signs_for_people_of_units_without_robots(
    robots, people, django_capture_on_commit_callbacks
):
    """No robot on any unit: as before, everyone in the company's groups, WeCom with the
    markdown message for a person without a mobile."""
    _tell(django_capture_on_commit_callbacks, [people["colleague"].user])
    assert robots.problems == []
    kinds = {(vendor, robot, p["msgtype"]) for vendor, robot, p in robots.received}
    assert kinds == {("dingtalk", "robot-token", "markdown"), ("wecom", "wecom-key", "markdown")}


def test_a_service_caller_cannot_store_more_than_the_column_holds(org, people):
    """The form stops a long value; the service refuses it too, rather than the database."""
    with pytest.raises(ValidationError) as refused:
        _set_robots(
            org["pudong"],
            people["admin"],
            dingtalk_webhook="https://oapi.dingtalk.com/robot/send?access_token=" + "x" * 600,
        )
    assert "dingtalk_webhook" in refused.value.message_dict
    assert not UnitRobots.objects.exists()


def test_a_robot_that_answers_with_a_redirect_is_not_followed(
    robots, org, people, login, django_capture_on_commit_callbacks
):
    """A robot's host answering "302 Found" to an address inside the company's network: the
    site does not go there (no GET of it, nothing of its answer shown); the test message and
    a notification's delivery both fail with the robot's status."""
    admin = people["admin"]
    _pudong_dingtalk(robots, org, admin)
    robots.redirect_to = f"{robots.base}/internal/admin?token=secret"
    client = in_english(login(admin))

    html = client.post(
        "/org/pudong/robots/test/", {"channel": "dingtalk"}, follow=True
    ).content.decode()
    assert "The DingTalk robot did not take the test message: RuntimeError: HTTP 302" in html
    assert "internal secrets" not in html
    assert robots.fetched == []

    _tell(django_capture_on_commit_callbacks, [people["learner"].user])
    failed = Delivery.objects.get(channel="dingtalk")
    assert failed.state == "retrying" and "HTTP 302" in failed.last_error
    assert robots.fetched == []
