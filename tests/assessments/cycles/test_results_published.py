# ruff: noqa: RUF001
"""A cycle finalised: every person with a result in it is told (results.published), in their
own language, once, by a task; leavers and people without a result are not, and the message
carries no score (the group robots post it into a group chat)."""

import datetime
import json

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.cycles.notices import results_announce
from assessments.cycles.services import cycle_finalise
from assessments.models import CycleState
from lms.models import Delivery, Notification
from lms.services import staff_mark_left
from tests.factories import assessment_result, make_cycle

pytestmark = pytest.mark.django_db

# What the results below hold: none of it may be in a message.
SCORES = ("85.5", "86.0", "91.2", "80.0", "75.0", "70.0", "85,5", "Good", "良好", "优秀")


@pytest.fixture
def cycle(people):
    """Computed: 王喆 (zh-hans) and 李堃 (English) have a result, 黄丽 has one but leaves,
    刘䶮 has none."""
    cycle = make_cycle(state=CycleState.COMPUTED)
    assessment_result(cycle, people["learner"])
    assessment_result(cycle, people["colleague"], overall="75.0", knowledge="70.0")
    assessment_result(cycle, people["south"], grade="excellent")
    colleague = people["colleague"].user
    colleague.language = "en"
    colleague.save(update_fields=["language"])
    return cycle


@pytest.fixture
def finalise(people, django_capture_on_commit_callbacks):
    """HR finalises the cycle on its page; what the request queued runs once it commits."""

    def run(cycle, client):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/assessment/cycles/{cycle.pk}/finalise/")
        assert response.status_code == 302
        cycle.refresh_from_db()
        assert cycle.state == CycleState.FINALISED

    return run


def told(profile) -> list[Notification]:
    return list(Notification.objects.filter(person=profile.user, kind="results.published"))


def test_everyone_with_a_result_is_told_in_their_language_once(
    cycle, people, login, finalise, client
):
    staff_mark_left(profile=people["south"], on=datetime.date(2026, 12, 31))
    finalise(cycle, login(people["hr"]))

    (zh,) = told(people["learner"])
    assert zh.subject == f"您在 {cycle.name} 的考核结果已定稿"
    assert "知识掌握、客户满意度、工作效率、团队协作与沟通以及综合表现" in zh.body
    assert "结果已定稿，各项不能再申诉。" in zh.body
    assert zh.link == f"/assessment/mine/{cycle.pk}/"
    assert zh.link in zh.body  # in the text too, as an absolute address

    (en,) = told(people["colleague"])
    assert en.subject == f"Your assessment result of {cycle.name} is final"
    assert "knowledge, customer satisfaction, work efficiency" in en.body
    assert "can no longer be questioned" in en.body

    assert told(people["south"]) == []  # left the company
    assert told(people["xihu"]) == []  # no result in the cycle
    assert told(people["hr"]) == []

    for message in (zh, en):
        assert not any(score in message.subject + message.body for score in SCORES)

    # Again (the task run twice, a worker lost): nobody is told twice.
    assert results_announce(cycle.pk) == 0
    assert Notification.objects.filter(kind="results.published").count() == 2

    # The link opens the person's own result.
    page = login(people["learner"]).get(zh.link)
    assert page.status_code == 200 and cycle.name in page.content.decode()


def test_a_cycle_not_finalised_tells_nobody(cycle, people):
    assert results_announce(cycle.pk) == 0
    assert not Notification.objects.exists()


def test_the_group_robots_and_the_email_carry_no_score(
    cycle, people, group_robots, django_capture_on_commit_callbacks
):
    learner = people["learner"].user
    learner.email = "wang@example.com"
    learner.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        cycle_finalise(cycle, by=people["hr"].user)

    states = set(Delivery.objects.values_list("channel", "state"))
    assert states == {("email", "sent"), ("dingtalk", "sent"), ("wecom", "sent")}
    robots = [json.dumps(p["json"], ensure_ascii=False) for p in group_robots]
    # One message per person and robot: 王喆, 李堃 and 黄丽, on DingTalk and WeCom.
    assert len(robots) == 6
    assert all(cycle.name in text for text in robots)
    assert not any(score in text for text in robots for score in SCORES)
    (email,) = mail.outbox
    assert email.to == ["wang@example.com"] and cycle.name in email.subject
    assert not any(score in email.body for score in SCORES)


def test_a_large_cycle_is_told_in_a_few_queries(people, make_staff):
    cycle = make_cycle(state=CycleState.COMPUTED)
    for n in range(50):
        assessment_result(cycle, make_staff(number=f"R{n:03d}"))
    cycle_finalise(cycle, by=people["hr"].user)
    with CaptureQueriesContext(connection) as queries:
        assert results_announce(cycle.pk) == 50
    # The cycle, the results with their people, and the notifications written in bulk:
    # not one per person (notify_each: a few more per 500).
    assert len(queries) <= 10
