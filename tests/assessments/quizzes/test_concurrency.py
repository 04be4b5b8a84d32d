"""Submitting the same attempt from several requests at once grades it once (PostgreSQL)."""

from decimal import Decimal

import pytest

from assessments.models import Attempt, AttemptItem, AttemptState, QuizPage, QuizSlot
from assessments.questions import services
from assessments.quizzes import services as attempts
from tests.concurrency import postgresql_only, run_at_once
from tests.factories import single

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), postgresql_only]


def test_concurrent_submits_and_answers(course, people, make_staff):
    questions = services.questions_import([single(n) for n in range(10)], default_category="并发")
    quiz = QuizPage(title="并发测验", slug="concurrent")
    course.add_child(instance=quiz)
    QuizSlot.objects.create(quiz=quiz, category=questions[0].category, count=10)
    learners = [people["learner"].user] + [
        make_staff("xihu", number=f"C{n:03d}").user for n in range(7)
    ]
    started = [attempts.attempt_start(quiz=quiz, user=user) for user in learners]

    # Every learner answers all ten questions at the same moment as the others.
    def answer_all(attempt):
        def go():
            for position in range(1, 11):
                attempts.answer_save(attempt=attempt, position=position, data={"choice": 0})

        return go

    run_at_once([answer_all(a) for a in started])
    assert AttemptItem.objects.filter(response__isnull=False).count() == 80

    # The first learner's attempt is submitted from four tabs at once, the others once each.
    first = started[0]
    run_at_once(
        [lambda: attempts.attempt_submit(attempt=first) for _ in range(4)]
        + [lambda a=a: attempts.attempt_submit(attempt=a) for a in started[1:]]
    )
    assert Attempt.objects.filter(state=AttemptState.GRADED).count() == 8
    assert set(Attempt.objects.values_list("score", flat=True)) == {Decimal("10.00")}
    assert AttemptItem.objects.filter(state="graded").count() == 80


def test_an_answer_racing_the_submit_is_graded_or_refused_never_lost(course, people):
    """A save and a submit of the same attempt at the same moment (two tabs): either the
    answer lands first and is graded, or it is refused; never saved after the grading.
    (Without the save's share lock on the attempt, some rounds store the new answer with
    the old answer's grade.)"""
    from assessments.quizzes import grading
    from assessments.quizzes.responses import response_from_json

    questions = services.questions_import([single(n) for n in range(3)], default_category="竞争")
    quiz = QuizPage(title="竞争测验", slug="racing")
    course.add_child(instance=quiz)
    QuizSlot.objects.create(quiz=quiz, category=questions[0].category, count=3)
    user = people["learner"].user
    for _round in range(15):
        attempt = attempts.attempt_start(quiz=quiz, user=user)
        attempts.answer_save(attempt=attempt, position=1, data={"choice": 1})  # wrong
        saved, _done = run_at_once(
            [
                lambda a=attempt: attempts.answer_save(attempt=a, position=1, data={"choice": 0}),
                lambda a=attempt: attempts.attempt_submit(attempt=a),
            ]
        )
        item = AttemptItem.objects.select_related("version", "attempt").get(
            attempt=attempt, position=1
        )
        grade = grading.grade(item.version.content, response_from_json(item.response), item.mark)
        assert (item.state, item.score) == (str(grade.state), grade.score)
        assert item.response["choice"] == (0 if saved else 1)
        assert item.attempt.score == item.score
