"""The person page: one person's result in a cycle, for HR (everyone) and trainers (their
org units, read-only); anyone else gets the same 404 whether the result exists or not."""

import datetime
from decimal import Decimal

import pytest

from assessments.cycles.compute import cycle_compute
from assessments.cycles.services import appeal_raise
from assessments.models import AssessmentCycle, CycleState, SurveyResult
from tests.factories import in_english, make_cycle

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def cycles(people):
    """A finalised third quarter and a computed fourth, with surveys for three people."""
    for number, (who, score) in enumerate(
        [("learner", 60), ("colleague", 80), ("south", 70)], start=1
    ):
        for day in (datetime.date(2026, 7, 10), datetime.date(2026, 10, 10)):
            SurveyResult.objects.create(
                user=people[who].user, reference=f"S-{number}-{day.month}", date=day,
                source="online", score=D(score), scale="percent",
            )  # fmt: skip
    older = make_cycle("2026年第三季度", starts_on=datetime.date(2026, 7, 1))
    cycle_compute(older)
    AssessmentCycle.objects.filter(pk=older.pk).update(state=CycleState.FINALISED)
    newer = make_cycle("2026年第四季度", starts_on=datetime.date(2026, 10, 1))
    cycle_compute(newer)
    older.refresh_from_db()
    newer.refresh_from_db()
    return older, newer


def url(cycle, profile):
    return f"/assessment/cycles/{cycle.pk}/people/{profile.user.pk}/"


def test_hr_sees_anyones_result_with_its_explanation_and_appeals(
    cycles, people, login, django_assert_max_num_queries
):
    older, newer = cycles
    appeal = appeal_raise(
        user=people["learner"].user, cycle=newer, part="satisfaction", comment="网评不公平。"
    )
    client = in_english(login(people["hr"]))
    with django_assert_max_num_queries(10):
        response = client.get(url(newer, people["learner"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["result"].satisfaction == D(60)
    assert "王喆" in page and "L001" in page and "data-provisional" in page
    assert "Online survey: 1 survey, mean 60.0 of 100 (weight 1)" in page
    assert "<svg" in page and "Average of 浦东站" in page
    assert "网评不公平。" in page and f'href="/assessment/appeals/{appeal.pk}/"' in page
    assert "/question/" not in page  # HR never questions someone else's result
    assert f'href="{url(older, people["learner"])}"' in page  # the other cycles
    assert client.get(url(newer, people["south"])).status_code == 200
    assert client.get(url(older, people["south"])).status_code == 200


def test_a_trainer_sees_the_staff_of_their_units_read_only(
    cycles, people, login, django_assert_max_num_queries
):
    older, newer = cycles
    appeal_raise(user=people["learner"].user, cycle=newer, part="overall", comment="请复核。")
    client = in_english(login(people["trainer"]))  # trainer of 华东区
    with django_assert_max_num_queries(11):  # HR's ten, and the trainer's units
        response = client.get(url(newer, people["learner"]))
    page = response.content.decode()
    assert response.status_code == 200 and "请复核。" in page
    assert "/assessment/appeals/" not in page and "/question/" not in page
    assert client.get(url(older, people["colleague"])).status_code == 200
    assert client.get(url(newer, people["south"])).status_code == 404  # 华南区: not theirs


def test_learners_get_the_same_404_for_others_as_for_nobody(cycles, people, login):
    _older, newer = cycles
    client = login(people["learner"])
    assert client.get(url(newer, people["colleague"])).status_code == 404
    assert client.get(f"/assessment/cycles/{newer.pk}/people/999999/").status_code == 404
    assert (
        client.get(f"/assessment/cycles/999999/people/{people['colleague'].user.pk}/").status_code
        == 404
    )
    assert client.get(url(newer, people["learner"])).status_code == 200  # their own


def test_a_draft_cycle_is_not_found_for_trainers(cycles, people, login):
    older, newer = cycles
    AssessmentCycle.objects.filter(pk=newer.pk).update(state=CycleState.DRAFT)
    client = login(people["trainer"])
    assert client.get(url(newer, people["learner"])).status_code == 404
    assert client.get(url(older, people["learner"])).status_code == 200
