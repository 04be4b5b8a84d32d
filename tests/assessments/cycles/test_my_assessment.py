"""My assessment: a person's own five parts, explained, against their branch's average."""

import datetime
from decimal import Decimal

import pytest

from assessments.cycles.compute import cycle_compute
from assessments.models import (
    AssessmentCycle,
    CycleState,
    EfficiencyRecord,
    TeamworkEvaluation,
)
from lms.roles import Role
from tests.factories import in_english, make_cycle, survey_result

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def data(people):
    """Surveys for three couriers in two stations; efficiency and teamwork for one."""
    survey_result(people["learner"], "S-1", D(90))
    survey_result(people["colleague"], "S-2", D(70))
    survey_result(people["xihu"], "S-3", D(50))
    TeamworkEvaluation.objects.create(
        user=people["learner"].user, date=datetime.date(2026, 10, 11), source="team_project",
        evaluator="组长", score=D(4), max_score=D(5),
    )  # fmt: skip
    EfficiencyRecord.objects.create(
        user=people["learner"].user, period_start=datetime.date(2026, 10, 1),
        period_end=datetime.date(2026, 10, 31), deliveries=1200, deliveries_on_time=1130,
    )  # fmt: skip
    return people


@pytest.fixture
def computed(data):
    cycle = make_cycle()
    cycle_compute(cycle)
    cycle.refresh_from_db()
    return cycle


def test_someone_without_a_result_sees_a_friendly_empty_state(
    people, login, django_assert_max_num_queries
):
    client = in_english(login(people["learner"]))
    with django_assert_max_num_queries(8):
        response = client.get("/assessment/mine/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "You have no assessment results yet." in page and "data-empty" in page


def test_a_draft_cycle_is_invisible_to_staff(data, login):
    cycle = make_cycle()
    cycle_compute(cycle)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(state=CycleState.DRAFT)
    client = in_english(login(data["learner"]))
    assert "data-empty" in client.get("/assessment/mine/").content.decode()
    assert client.get(f"/assessment/mine/{cycle.pk}/").status_code == 404


def test_the_person_sees_their_five_parts_explained_against_their_branch(
    computed, people, login, django_assert_max_num_queries
):
    client = in_english(login(people["learner"]))
    with django_assert_max_num_queries(10):
        response = client.get("/assessment/mine/")
    assert response.status_code == 200
    page = response.content.decode()
    result = response.context["result"]
    assert result.cycle == computed and result.satisfaction == D(90)
    assert "data-provisional" in page  # computed, not finalised: may still change
    assert "2026年第四季度" in page
    # every part: a score or "no data", and its explanation
    assert "Knowledge" in page and "No data" in page
    assert "Phone interview: 1 survey, mean 90.0 of 100 (weight 1)" in page
    assert "Deliveries within 24 hours: 1,130 of 1,200 = 94.2%" in page
    assert "Team project evaluation: 4 of 5 = 80.0" in page
    assert "Knowledge has no data." in page  # why not eligible, in words
    assert "Not eligible yet" in page
    # the radar, against the average of 浦东站 (王喆 90, 李堃 70; not 西湖站's 50)
    assert "<svg" in page and "Average of 浦东站" in page
    averages = dict(response.context["averages"])
    assert averages["Customer satisfaction"] == D(80)
    assert averages["Knowledge"] is None
    assert "<table" not in page  # cards and lists, readable on a phone
    # a question link per part, while the cycle is not finalised
    assert f"/assessment/mine/{computed.pk}/question/satisfaction/" in page


def test_someone_outside_any_branch_is_compared_with_the_whole_company(data, make_staff, login):
    head_office = make_staff("co", roles=[Role.LEARNER], name="赵敏", number="HQ01")
    survey_result(head_office, "S-4", D(30))
    cycle_compute(make_cycle())
    client = in_english(login(head_office))
    response = client.get("/assessment/mine/")
    assert "Company average" in response.content.decode()
    averages = dict(response.context["averages"])
    assert averages["Customer satisfaction"] == D(60)  # 90, 70, 50, 30


def test_a_finalised_cycle_is_final_and_past_cycles_are_listed(data, login):
    older = make_cycle("2026年第三季度", starts_on=datetime.date(2026, 7, 1))
    survey_result(data["learner"], "S-old", D(60), day=datetime.date(2026, 7, 5))
    cycle_compute(older)
    AssessmentCycle.objects.filter(pk=older.pk).update(state=CycleState.FINALISED)
    newer = make_cycle()
    cycle_compute(newer)
    client = in_english(login(data["learner"]))

    page = client.get("/assessment/mine/").content.decode()  # the latest cycle
    assert "2026年第四季度" in page and f'href="/assessment/mine/{older.pk}/"' in page

    response = client.get(f"/assessment/mine/{older.pk}/")
    page = response.content.decode()
    assert response.context["result"].satisfaction == D(60)
    assert "data-provisional" not in page
    assert "/question/" not in page  # a finalised cycle can no longer be questioned
    assert f'href="/assessment/mine/{newer.pk}/"' in page


def test_another_cycle_or_nobodys_cycle_is_not_found(computed, people, login):
    other = make_cycle("别的周期", starts_on=datetime.date(2026, 1, 1))
    client = login(people["learner"])
    assert client.get(f"/assessment/mine/{other.pk}/").status_code == 404
    assert client.get("/assessment/mine/999999/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/assessment/mine/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_reads_in_chinese_by_default(computed, people, login):
    page = login(people["learner"]).get("/assessment/mine/").content.decode()
    assert 'lang="zh-Hans"' in page and "1130" in page
