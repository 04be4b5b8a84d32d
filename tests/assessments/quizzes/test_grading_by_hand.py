"""Essays graded by hand, and regrading after a trainer fixes a wrong key."""

import io
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from assessments.models import AttemptState, QuizPage, QuizSlot
from assessments.questions import services
from assessments.questions.data import Choice, QuestionType
from assessments.questions.data import Question as Q
from assessments.quizzes import services as attempts
from lms.models import AuditEvent

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def quiz(course):
    essay, wrong_key = services.questions_import(
        [
            Q(QuestionType.ESSAY, "描述一次投诉处理。"),
            Q(
                QuestionType.SINGLE,
                "查询服务时效?",
                choices=(Choice("2小时", D(1)), Choice("5分钟", D(0))),  # the key is wrong
            ),
        ],
        default_category="客户服务知识",
    )
    quiz = QuizPage(title="测验", slug="q", pass_percent=D(50))
    course.add_child(instance=quiz)
    QuizSlot.objects.create(quiz=quiz, question=essay, sort_order=0, mark=D(4))
    QuizSlot.objects.create(quiz=quiz, question=wrong_key, sort_order=1, mark=D(2))
    quiz.questions = essay, wrong_key
    return quiz


def take(quiz, user, choice):
    attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(0))
    attempts.answer_save(attempt=attempt, position=1, data={"text": "我先道歉,然后……"})
    order = attempt.items.get(position=2).option_order
    assert choice in order
    attempts.answer_save(attempt=attempt, position=2, data={"choice": choice})
    return attempts.attempt_submit(attempt=attempt)


def test_an_essay_waits_for_a_trainer_then_the_score_is_final(quiz, people):
    attempt = take(quiz, people["learner"].user, choice=1)
    assert attempt.state == AttemptState.NEEDS_GRADING and attempt.score is None
    essay = attempt.items.get(position=1)
    with pytest.raises(ValidationError):
        attempts.item_grade_manually(item=essay, score=D(5), by=people["trainer"].user)
    attempts.item_grade_manually(
        item=essay, score=D("3.5"), comment="很好", by=people["trainer"].user
    )
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED
    assert (attempt.score, attempt.passed) == (D("3.50"), True)
    assert AuditEvent.objects.filter(action="quiz.graded").count() == 1


def test_fixing_a_wrong_key_regrades_past_attempts(quiz, people):
    _essay, key_q = quiz.questions
    chose_5_minutes = take(quiz, people["learner"].user, choice=1)
    chose_2_hours = take(quiz, people["colleague"].user, choice=0)
    for attempt in (chose_5_minutes, chose_2_hours):
        attempts.item_grade_manually(
            item=attempt.items.get(position=1), score=D(2), by=people["trainer"].user
        )
    key_q.answers = [("single", {"choices": [
        {"text": "2小时", "weight": 0, "feedback": ""},
        {"text": "5分钟", "weight": 100, "feedback": "对,见3.1.4。"},
    ]})]  # fmt: skip
    key_q.save()
    assert attempts.question_regrade(question=key_q, by=people["trainer"].user) == 2
    chose_5_minutes.refresh_from_db(), chose_2_hours.refresh_from_db()
    assert chose_5_minutes.score == D(4) and chose_2_hours.score == D(2)
    assert chose_5_minutes.items.get(position=1).score == D(2)  # the essay keeps its grade
    event = AuditEvent.objects.get(action="quiz.regraded")
    assert event.details["attempts"] == 2


def test_a_regrade_that_changes_the_options_is_refused(quiz, people):
    _essay, key_q = quiz.questions
    take(quiz, people["learner"].user, choice=0)
    three = [("2小时", 0), ("5分钟", 100), ("1天", 0)]
    key_q.answers = [("single", {"choices": [{"text": t, "weight": w} for t, w in three]})]
    key_q.save()
    with pytest.raises(ValidationError):
        attempts.question_regrade(question=key_q, by=people["trainer"].user)


def test_the_sweep_command_submits_overdue_attempts(quiz, people):
    import datetime

    from django.utils import timezone

    quiz.time_limit_minutes = 1
    quiz.save()
    start = timezone.now() - datetime.timedelta(minutes=5)
    attempt = attempts.attempt_start(quiz=quiz, user=people["learner"].user, now=start)
    out = io.StringIO()
    call_command("close_overdue_attempts", stdout=out)
    assert "1 overdue attempts submitted" in out.getvalue()
    attempt.refresh_from_db()
    assert attempt.auto_submitted and attempt.state != AttemptState.IN_PROGRESS
