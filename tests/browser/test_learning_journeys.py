"""The learner's and the trainer's journeys through the training, in Chromium on a phone."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.learning import services
from courses.models import Enrolment, LessonCompletion
from tests import factories
from tests.browser.builders import CHECK, RULE
from tests.browser.conftest import fits_the_screen, sign_in

# Transactional (the live server reads what the test writes); the data migrations' rows
# (roles, home page) are put back after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def assigned_course(people):
    index = factories.training_site()
    course, lessons = factories.course(
        index, "客户服务知识", lessons=2, body=[("heading", "查询时效"), RULE, CHECK]
    )
    services.assignment_create(
        by=people["hr"].user,
        course=course,
        people=[people["learner"].user],
        due_on=timezone.localdate() + datetime.timedelta(days=2),
    )
    return course, lessons


def test_a_courier_learns_a_lesson_on_a_phone(phone, people, assigned_course):
    course, lessons = assigned_course
    sign_in(phone, "L001", factories.PASSWORD)

    phone.get_by_role("link", name="我的学习").first.click()
    card = phone.locator(".course-card", has_text="客户服务知识")
    expect(card.locator(".badge", has_text="即将到期")).to_be_visible()
    assert fits_the_screen(phone)
    card.get_by_role("link", name="开始").click()

    # The lesson: a key rule, and a knowledge check that answers at once and grades nothing.
    phone.wait_for_url(f"**{lessons[0].url}")
    expect(phone.locator(".key-rule", has_text="3.1.4")).to_be_visible()
    phone.get_by_label("2小时内").check()
    wrong = phone.locator(".choice-feedback.wrong")
    expect(wrong).to_be_visible()
    expect(wrong).to_contain_text("上门收寄")
    phone.get_by_label("5分钟内").check()
    expect(phone.locator(".choice-feedback.right")).to_be_visible()
    expect(wrong).to_be_hidden()
    assert not LessonCompletion.objects.exists()
    assert fits_the_screen(phone)

    phone.get_by_role("button", name="我已学完本课").click()
    phone.wait_for_url(f"**{lessons[1].url}")
    assert LessonCompletion.objects.filter(lesson=lessons[0]).count() == 1

    # Back on My learning, the course is half done and continues with the second lesson.
    phone.get_by_role("link", name="我的学习").first.click()
    card = phone.locator(".course-card", has_text="客户服务知识")
    expect(card.locator("progress")).to_have_attribute("value", "50")
    card.get_by_role("link", name="从上次停下的地方继续").click()
    phone.wait_for_url(f"**{lessons[1].url}")
    phone.get_by_role("button", name="我已学完本课").click()
    phone.wait_for_url(f"**{course.url}")
    assert Enrolment.objects.get(user=people["learner"].user).completed_at is not None
    expect(phone.locator(".badge", has_text="已完成").first).to_be_visible()


def test_without_javascript_the_answer_is_still_there(browser, live_server, people, settings):
    settings.LMS_ENFORCE_MFA = False
    index = factories.training_site()
    _course, (lesson,) = factories.course(index, "客户服务知识", lessons=1, body=[CHECK])
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "L001", factories.PASSWORD)
    page.goto(lesson.url)
    answer = page.locator(".kc-answer")
    assert "5分钟内" not in answer.inner_text()  # closed until asked
    answer.locator("summary").click()
    expect(answer).to_contain_text("5分钟内")
    context.close()


def test_a_trainer_follows_progress_and_assigns_a_course(phone, people, assigned_course):
    course, lessons = assigned_course
    services.lesson_complete(user=people["learner"].user, lesson=lessons[0])
    sign_in(phone, "TR01", factories.PASSWORD)

    phone.goto("/learning/reports/")
    phone.get_by_role("link", name="华东区").click()
    row = phone.locator("tr", has_text="浦东站")
    expect(row.locator("td").first).to_have_text("1")  # enrolled: 王喆, half-way
    expect(row).to_contain_text("0%")
    phone.goto("/learning/reports/people/?unit=pudong")
    expect(phone.locator("th", has_text="王喆")).to_be_visible()
    phone.get_by_role("link", name="王喆").click()
    expect(
        phone.locator("section", has_text="客户服务知识").locator("progress").first
    ).to_be_visible()

    phone.get_by_role("link", name="分配课程").click()
    phone.select_option("select[name=course]", str(course.pk))
    phone.fill("textarea[name=employee_numbers]", "L002")
    phone.get_by_label("指定日期").check()
    phone.fill(
        "input[name=due_on]", (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    )
    phone.get_by_role("button", name="分配", exact=True).click()
    phone.wait_for_url("**/learning/assignments/")
    assert Enrolment.objects.filter(user=people["colleague"].user, course=course).exists()
