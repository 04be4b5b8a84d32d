"""The five-part assessment in Chromium on a phone: a courier reads their result and
questions a part, HR answers from the appeals list, the courier reads the answer, and HR's
dashboard fits the screen."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessments.cycles.compute import cycle_compute
from assessments.models import (
    Appeal,
    AppealState,
    AssessmentCycle,
    EfficiencyRecord,
    ScoringPolicy,
    SurveyResult,
)
from tests import factories
from tests.browser.conftest import fits_the_screen, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def cycle(people):
    for n, key in enumerate(("learner", "colleague", "xihu")):
        SurveyResult.objects.create(
            user=people[key].user, reference=f"S-{n}", date=OCTOBER, source="phone",
            score=Decimal(90 - 20 * n), scale="percent",
        )  # fmt: skip
    EfficiencyRecord.objects.create(
        user=people["learner"].user, period_start=OCTOBER,
        period_end=OCTOBER + datetime.timedelta(days=30), deliveries=1200, deliveries_on_time=1130,
    )  # fmt: skip
    cycle = AssessmentCycle.objects.create(
        name="2026年第四季度考核",
        starts_on=OCTOBER,
        ends_on=datetime.date(2026, 12, 31),
        policy=ScoringPolicy.objects.get(version=1),
    )
    cycle_compute(cycle)
    return cycle


def test_a_courier_questions_a_part_and_reads_hrs_answer(phone, people, cycle):
    sign_in(phone, "L001", factories.PASSWORD)
    phone.get_by_role("link", name="我的考核").first.click()
    phone.wait_for_url("**/assessment/mine/")
    expect(phone.get_by_role("heading", name="2026年第四季度考核")).to_be_visible()
    expect(phone.locator("svg").first).to_be_visible()  # the radar against the branch average
    expect(phone.get_by_text("暂定").first).to_be_visible()  # computed, not finalised
    assert fits_the_screen(phone)

    phone.locator("a[href$='/question/satisfaction/']").click()
    phone.locator("textarea[name=comment]").fill("10 月那条回访的件不是我派送的。")
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_url("**/assessment/mine/**")
    appeal = Appeal.objects.get(user=people["learner"].user)
    assert appeal.state == AppealState.OPEN and appeal.part == "satisfaction"
    expect(phone.get_by_text("10 月那条回访的件不是我派送的。")).to_be_visible()

    # HR answers on the same phone.
    phone.context.clear_cookies()
    sign_in(phone, "HR01", factories.PASSWORD)
    phone.goto("/assessment/appeals/")
    assert fits_the_screen(phone)
    phone.locator(f"a[href='/assessment/appeals/{appeal.pk}/']").first.click()
    phone.locator("textarea[name=answer]").fill("已核实并更正。")
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").click()
    appeal.refresh_from_db()
    assert appeal.state == AppealState.ANSWERED

    phone.goto(f"/assessment/cycles/{cycle.pk}/dashboard/")
    expect(phone.locator("svg").first).to_be_visible()
    assert fits_the_screen(phone)

    phone.context.clear_cookies()
    sign_in(phone, "L001", factories.PASSWORD)
    phone.goto("/assessment/mine/")
    expect(phone.get_by_text("已核实并更正。")).to_be_visible()
