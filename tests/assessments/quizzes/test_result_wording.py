# Chinese text is written with its own full-width punctuation.
# ruff: noqa: RUF001
"""What the quiz and result pages say: scores as people write them, each feedback once,
answers joined as the language joins them, attempts left, and no retake warning when a
retake cannot help (issue 21)."""

import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from assessments.models import Attempt, QuizPage, QuizSlot
from assessments.questions import services
from assessments.questions.data import Choice, QuestionType
from assessments.questions.data import Question as Q
from assessments.quizzes import grading
from assessments.quizzes import services as attempts
from assessments.templatetags.scores import number, pass_mark, score

pytestmark = pytest.mark.django_db

D = Decimal
SAME = "两项都要选：见手册3.1.4。"


@pytest.fixture
def quiz(course):
    questions = services.questions_import(
        [
            Q(
                QuestionType.MULTIPLE,
                "哪些属于服务时效要求？",
                general_feedback=SAME,
                choices=(
                    Choice("查询5分钟内回复", D("0.5"), SAME),
                    Choice("投诉24小时内回复", D("0.5"), SAME),
                    Choice("随时都可以", D(-1), "不对。"),
                ),
            ),
            Q(QuestionType.TRUE_FALSE, "异常应在2小时内联系客户。", correct=True),
        ],
        default_category="客户服务知识",
    )
    quiz = QuizPage(
        title="客服知识测验",
        slug="quiz",
        pass_percent=D(80),
        attempts_allowed=3,
        wait_minutes=60,
    )
    course.add_child(instance=quiz)
    for n, question in enumerate(questions):
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=n, mark=D(5))
    return quiz


def full_marks(quiz, user) -> Attempt:
    attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(0))
    attempts.answer_save(attempt=attempt, position=1, data={"choices": [0, 1]})
    attempts.answer_save(attempt=attempt, position=2, data={"truth": "true"})
    attempts.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    return attempt


def test_numbers_drop_their_trailing_zeros():
    assert number(D("10.00")) == "10"
    assert number(D("7.50")) == "7.5"
    assert number(D("100.0")) == "100"
    assert number(None) == ""
    with translation.override("zh-hans"):
        assert score(D("10.00"), D("10.00"), D("100.0")) == "10 / 10 分（100%）"
        assert pass_mark(D("80.0")) == "80 分及格"
    with translation.override("en"):
        assert score(D("10.00"), D("10.00"), D("100.0")) == "10 / 10 (100%)"
        assert score(D("2.50"), D("5.00")) == "2.5 / 5"


def test_the_result_shows_the_score_as_people_write_it_and_each_feedback_once(quiz, people, login):
    attempt = full_marks(quiz, people["learner"].user)
    assert attempt.score == D(10)
    html = login(people["learner"]).get(f"/learning/attempts/{attempt.pk}/result/")
    html = html.content.decode()
    assert "10 / 10 分（100%）" in html
    assert "10.00" not in html and "100.0%" not in html
    assert "5 / 5 分" in html  # each answer's score too
    assert html.count(SAME) == 1  # two choices and the general feedback say the same


def test_answers_are_joined_as_the_language_joins_them(quiz, people, login):
    attempt = full_marks(quiz, people["learner"].user)
    html = login(people["learner"]).get(f"/learning/attempts/{attempt.pk}/result/")
    html = html.content.decode()
    assert "查询5分钟内回复、投诉24小时内回复" in html  # the learner's answer
    assert "; " not in html.split("<main", 1)[-1]
    question = Q(
        QuestionType.MULTIPLE,
        "?",
        choices=(Choice("a", D("0.5")), Choice("b", D("0.5")), Choice("c", D(0))),
    )
    with translation.override("en"):
        assert grading.right_answer_summary(question).endswith("a, b")
    with translation.override("zh-hans"):
        assert grading.right_answer_summary(question).endswith("a、b")


def test_the_quiz_page_shows_the_attempts_left_and_the_pass_mark(quiz, people, login):
    client = login(people["learner"])
    html = client.get(quiz.url).content.decode()
    assert "80 分及格" in html
    assert "还可作答 3 次" in html
    attempts.attempt_submit(
        attempt=attempts.attempt_start(quiz=quiz, user=people["learner"].user)
    )  # nothing answered: 0 points, and an hour to wait
    html = client.get(quiz.url).content.decode()
    assert "还可作答 2 次" in html
    assert "再次作答" in html  # the wait is announced: a retake can help


def test_unlimited_attempts_say_so(quiz, people, login):
    QuizPage.objects.filter(pk=quiz.pk).update(attempts_allowed=0)
    html = login(people["learner"]).get(quiz.url).content.decode()
    assert "不限次数" in html


def test_full_marks_announce_no_retake(quiz, people, login):
    full_marks(quiz, people["learner"].user)
    html = login(people["learner"]).get(quiz.url).content.decode()
    assert "您可于" not in html
    assert "满分" in html
    assert "还可作答 2 次" in html


def test_a_pass_on_a_quiz_that_only_completes_the_course_announces_no_retake(quiz, people, login):
    QuizPage.objects.filter(pk=quiz.pk).update(counts_toward_assessment=False, pass_percent=50)
    user = people["learner"].user
    attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(0))
    attempts.answer_save(attempt=attempt, position=2, data={"truth": "true"})
    attempts.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.passed and attempt.percent < 100
    html = login(people["learner"]).get(quiz.url).content.decode()
    assert "您可于" not in html
    assert "无需再次作答" in html


def test_the_question_heading_sits_inside_its_card():
    """A fieldset's legend is drawn on its border unless it is taken out of that place."""
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    rules = css.split("/* Learning: quiz questions")[-1]
    assert ".question > legend { float: left; width: 100%;" in rules
    assert ".question > legend ~ * { clear: both; }" in rules
