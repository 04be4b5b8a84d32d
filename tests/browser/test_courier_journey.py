"""A new courier's first days, in Chromium on a 360-px phone: sign in, follow the onboarding
path, read a lesson, take the module test with a reload in the middle, and see the result."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Attempt, AttemptState
from courses.models import Enrolment, LessonCompletion
from lms.roles import Role
from tests import factories
from tests.browser.builders import LESSON_BODY, module_test
from tests.browser.conftest import fits_the_screen, sign_in, start_answer_and_reload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def onboarding(org):
    """Two onboarding courses, the second behind the first; the first ends with a module test
    required for completing it."""
    index = factories.training_site()
    first, (lesson,) = factories.course(
        index, "客户服务知识", lessons=1, body=LESSON_BODY, onboarding_order=1,
        onboarding_due_days=14,
    )  # fmt: skip
    quiz = module_test(first, required_for_completion=True)
    second, _lessons = factories.course(
        index, "快件处理规范", lessons=1, module="process", onboarding_order=2,
        onboarding_due_days=30,
    )  # fmt: skip
    second.prerequisites.add(first)
    second.save()
    return first, lesson, quiz, second


def test_a_new_courier_follows_the_onboarding_path(phone, org, onboarding):
    first, lesson, quiz, _second = onboarding
    # HR creates the account: new staff get the onboarding path at once.
    newcomer = factories.staff(
        org["pudong-team"], roles=[Role.LEARNER], name="赵新", number="N001",
        hire_date=timezone.localdate() - datetime.timedelta(days=1),
    )  # fmt: skip
    assert Enrolment.objects.filter(user=newcomer.user).count() == 2

    sign_in(phone, "N001", factories.PASSWORD)
    phone.get_by_role("link", name="我的学习").first.click()
    phone.wait_for_url("**/learning/")
    cards = phone.locator(".course-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("客户服务知识")  # the path's order
    expect(cards.nth(1)).to_contain_text("快件处理规范")
    expect(cards.nth(1)).to_contain_text("请先完成以下课程")  # locked behind the first
    expect(cards.nth(1).get_by_role("link", name="开始")).to_have_count(0)
    assert fits_the_screen(phone)

    # The first lesson: a key rule and a knowledge check that answers at once.
    cards.nth(0).get_by_role("link", name="开始").click()
    phone.wait_for_url(f"**{lesson.url}")
    expect(phone.locator(".key-rule", has_text="3.1.4")).to_be_visible()
    phone.get_by_label("2小时内").check()
    expect(phone.locator(".choice-feedback.wrong")).to_contain_text("上门收寄")
    phone.get_by_label("5分钟内").check()
    expect(phone.locator(".choice-feedback.right")).to_be_visible()
    assert fits_the_screen(phone)
    phone.get_by_role("button", name="我已学完本课").click()
    phone.wait_for_url(f"**{first.url}")
    assert LessonCompletion.objects.filter(user=newcomer.user, lesson=lesson).exists()

    # The course is not complete until its module test is passed.
    phone.get_by_role("link", name="客服测验").click()
    phone.wait_for_url(f"**{quiz.url}")
    start_answer_and_reload(phone)  # the phone locks in the middle of the test: nothing is lost
    phone.get_by_role("radio", name="正确").check()
    phone.locator("#q2 .save-state", has_text="✓").wait_for()
    phone.get_by_role("button", name="检查并提交").click()
    phone.get_by_role("button", name="提交", exact=True).click()
    phone.wait_for_url("**/result/")
    attempt = Attempt.objects.get(user=newcomer.user)
    assert attempt.state == AttemptState.GRADED and attempt.passed
    expect(phone.locator(".badge", has_text="通过").first).to_have_text("已通过")
    assert fits_the_screen(phone)

    # Back on My learning, the first course is done and the path goes on with the second.
    phone.get_by_role("link", name="我的学习").first.click()
    phone.wait_for_url("**/learning/")
    expect(phone.get_by_role("link", name="客户服务知识")).to_be_visible()  # under Completed
    card = phone.locator(".course-card", has_text="快件处理规范")
    expect(card.get_by_role("link", name="开始")).to_be_visible()
    assert Enrolment.objects.get(user=newcomer.user, course=first).completed_at is not None
