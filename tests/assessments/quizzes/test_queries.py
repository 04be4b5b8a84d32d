"""A quiz costs the same number of queries whatever its length."""

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import QuizPage, QuizSlot
from assessments.questions import services
from assessments.questions.data import Choice, QuestionType
from assessments.questions.data import Question as Q
from assessments.quizzes import services as attempts

pytestmark = pytest.mark.django_db


def quiz_of(course, n: int) -> QuizPage:
    questions = services.questions_import(
        [
            Q(
                QuestionType.SINGLE if i % 2 else QuestionType.MULTIPLE,
                f"第{i}题",
                choices=(Choice("对", Decimal(1)), Choice("错", Decimal(0))),
            )
            for i in range(n)
        ],
        default_category=f"测验/{n}",
    )
    quiz = QuizPage(title=f"{n}题测验", slug=f"q{n}", time_limit_minutes=30)
    course.add_child(instance=quiz)
    QuizSlot.objects.create(quiz=quiz, category=questions[0].category, count=n, sort_order=0)
    return quiz


def queries(action) -> int:
    with CaptureQueriesContext(connection) as context:
        action()
    return len(context.captured_queries)


def test_grading_costs_the_same_queries_for_5_and_50_questions(course, people, login):
    client = login(people["learner"])
    counts = {}
    for n in (3, 5, 50):  # the first warms the caches (content types, the site root)
        quiz = quiz_of(course, n)
        attempt = attempts.attempt_start(
            quiz=quiz, user=people["learner"].user, rng=random.Random(n)
        )
        for position in range(1, n + 1):
            attempts.answer_save(
                attempt=attempt, position=position, data={"choice": 0, "choices": [0]}
            )
        save = queries(
            lambda a=attempt: client.post(
                f"/learning/attempts/{a.pk}/answers/1/", {"q1-choice": "0", "q1-choices": "0"}
            )
        )
        submit = queries(lambda a=attempt: client.post(f"/learning/attempts/{a.pk}/submit/"))
        attempt.refresh_from_db()
        assert (attempt.state, attempt.max_score, attempt.passed) == ("graded", n, True)
        counts[n] = (save, submit)
    assert counts[5] == counts[50]
    save, submit = counts[50]
    # A save: the session, the user, the item (with its version and attempt), one UPDATE.
    # A submit: the session, the user, the attempt locked, its items with their versions,
    # one UPDATE of every item, the attempt's UPDATE, the course page and the enrolment
    # (which the passed quiz may complete); on PostgreSQL also BEGIN and COMMIT.
    assert save <= 4, counts
    assert submit <= 10, counts


def test_an_answer_save_is_a_few_queries_and_writes_no_session(quiz_and_attempt, login):
    attempt, user = quiz_and_attempt
    client = login(user)
    client.post(f"/learning/attempts/{attempt.pk}/answers/1/", {"q1-choice": "0"})  # warm
    with CaptureQueriesContext(connection) as context:
        response = client.post(f"/learning/attempts/{attempt.pk}/answers/2/", {"q2-choice": "1"})
    assert response.json() == {"saved": True}
    assert "sessionid" not in response.cookies  # nothing changed in the session
    writes = [q["sql"] for q in context.captured_queries if not q["sql"].startswith("SELECT")]
    assert len(context.captured_queries) <= 4, context.captured_queries
    assert len(writes) == 1 and writes[0].startswith("UPDATE"), writes
    assert "django_session" not in writes[0]


@pytest.fixture
def quiz_and_attempt(course, people):
    quiz = quiz_of(course, 5)
    user = people["learner"].user
    attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(0))
    return attempt, user
