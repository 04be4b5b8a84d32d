"""A courier takes a module test on a phone, reloads in the middle, and sees the result."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessments.models import Attempt, AttemptState, QuizPage, QuizSlot
from assessments.questions import services
from assessments.questions.data import Choice, QuestionType
from assessments.questions.data import Question as Q
from tests import factories
from tests.browser.conftest import sign_in, start_answer_and_reload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_answers_survive_a_reload_and_the_result_follows(phone, people):
    index = factories.training_site()
    course, _lessons = factories.course(index, "客户服务知识", lessons=1)
    questions = services.questions_import(
        [
            Q(
                QuestionType.SINGLE,
                "查询服务时效?",
                choices=(Choice("5分钟", Decimal(1)), Choice("2小时", Decimal(0))),
            ),
            Q(QuestionType.TRUE_FALSE, "异常应在2小时内联系客户。", correct=True),
        ],
        default_category="客户服务知识",
    )
    quiz = QuizPage(title="客服测验", slug="quiz", time_limit_minutes=10, shuffle_choices=False)
    course.add_child(instance=quiz)
    for n, question in enumerate(questions):
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=n)

    sign_in(phone, "L001", factories.PASSWORD)
    phone.goto(quiz.url)
    start_answer_and_reload(phone)  # a lost connection, a locked phone: nothing is lost
    phone.get_by_role("button", name="检查并提交").click()
    expect(phone.get_by_role("link", name="第 2 题")).to_be_visible()  # unanswered
    phone.get_by_role("button", name="提交", exact=True).click()
    phone.wait_for_url("**/result/")
    attempt = Attempt.objects.get()
    assert attempt.state == AttemptState.GRADED and attempt.score == Decimal(1)
    expect(phone.get_by_text("未通过").first).to_be_visible()
