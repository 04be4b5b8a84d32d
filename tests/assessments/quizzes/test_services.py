"""The attempt engine: draw once, save as you go, submit and grade once."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import Attempt, AttemptState, QuizPage, QuizSlot
from assessments.questions import services
from assessments.quizzes import permissions
from assessments.quizzes import services as attempts
from tests.factories import single

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def bank():
    fixed = services.questions_import([single(0)], default_category="业务流程")
    pool = services.questions_import(
        [single(n) for n in range(1, 11)], default_category="业务流程/时效"
    )
    return fixed[0], pool


@pytest.fixture
def quiz(course, bank):
    fixed, pool = bank
    quiz = QuizPage(title="业务流程测验", slug="test", time_limit_minutes=20, pass_percent=D(60))
    course.add_child(instance=quiz)
    QuizSlot.objects.create(quiz=quiz, question=fixed, sort_order=0)
    QuizSlot.objects.create(quiz=quiz, category=pool[0].category, count=4, sort_order=1)
    return quiz


def right(item):
    return {"choice": 0}


class TestStarting:
    def test_the_draw_is_fixed_for_the_attempt(self, quiz, people, bank):
        user = people["learner"].user
        attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(1))
        items = list(attempt.items.order_by("position"))
        assert len(items) == 5 and items[0].version.question == bank[0]
        assert len({i.version.question_id for i in items}) == 5  # no question twice
        again = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(2))
        assert again.pk == attempt.pk  # a reload resumes the same draw
        assert [i.version_id for i in again.items.order_by("position")] == [
            i.version_id for i in items
        ]
        assert attempt.max_score == D(5)
        assert attempt.deadline == attempt.started_at + datetime.timedelta(minutes=20)

    def test_options_are_shuffled_per_attempt_when_the_quiz_says_so(self, quiz, people):
        orders = set()
        for seed in range(6):
            user = people["learner"].user
            attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(seed))
            orders.add(tuple(attempt.items.get(position=1).option_order))
            attempts.attempt_submit(attempt=attempt)
        assert len(orders) > 1
        assert all(sorted(order) == [0, 1, 2] for order in orders)

    def test_a_category_too_small_for_the_quiz_is_refused(self, quiz, people):
        QuizSlot.objects.filter(count=4).update(count=40)
        with pytest.raises(ValidationError):
            attempts.attempt_start(quiz=quiz, user=people["learner"].user)
        assert not Attempt.objects.exists()

    def test_attempts_allowed_wait_and_dates(self, quiz, people):
        user = people["learner"].user
        quiz.attempts_allowed, quiz.wait_minutes = 2, 30
        quiz.save()
        now = timezone.now()
        attempts.attempt_submit(
            attempt=attempts.attempt_start(quiz=quiz, user=user, now=now), now=now
        )
        with pytest.raises(ValidationError):
            attempts.attempt_start(quiz=quiz, user=user, now=now + datetime.timedelta(minutes=10))
        later = now + datetime.timedelta(minutes=31)
        attempts.attempt_submit(
            attempt=attempts.attempt_start(quiz=quiz, user=user, now=later), now=later
        )
        assert "2" in permissions.quiz_unavailable_reason(
            quiz, user, now=later + datetime.timedelta(days=1)
        )
        quiz.attempts_allowed, quiz.closes_at = 0, now
        quiz.save()
        assert permissions.quiz_unavailable_reason(quiz, user, now=later) is not None


class TestAnsweringAndSubmitting:
    def test_answers_are_kept_and_graded_once(self, quiz, people):
        user = people["learner"].user
        attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(3))
        for position in (1, 2, 3, 4):
            assert attempts.answer_save(attempt=attempt, position=position, data={"choice": 0})
        attempts.answer_save(attempt=attempt, position=5, data={"choice": 1})
        attempts.answer_save(attempt=attempt, position=4, data={"choice": 2})  # changed mind

        done = attempts.attempt_submit(attempt=attempt)
        assert done.state == AttemptState.GRADED
        assert (done.score, done.percent, done.passed) == (D(3), D("60.0"), True)
        again = attempts.attempt_submit(attempt=attempt)  # a second tab
        assert again.score == D(3) and again.submitted_at == done.submitted_at
        assert not attempts.answer_save(attempt=attempt, position=1, data={"choice": 1})

    def test_an_answer_that_is_not_an_option_is_refused(self, quiz, people):
        attempt = attempts.attempt_start(quiz=quiz, user=people["learner"].user)
        with pytest.raises(ValidationError):
            attempts.answer_save(attempt=attempt, position=1, data={"choice": 7})
        with pytest.raises(ValidationError):
            attempts.answer_save(attempt=attempt, position=99, data={"choice": 0})

    def test_the_deadline_closes_the_attempt_with_what_was_saved(self, quiz, people):
        user = people["learner"].user
        start = timezone.now()
        attempt = attempts.attempt_start(quiz=quiz, user=user, now=start)
        attempts.answer_save(attempt=attempt, position=1, data={"choice": 0}, now=start)
        late = attempt.deadline + datetime.timedelta(seconds=30)
        assert not attempts.answer_save(attempt=attempt, position=2, data={"choice": 0}, now=late)
        attempt.refresh_from_db()
        assert attempt.state == AttemptState.GRADED and attempt.auto_submitted
        assert attempt.score == D(1) and attempt.submitted_at == attempt.deadline

    def test_a_submit_after_the_deadline_closes_the_attempt_at_its_deadline(self, quiz, people):
        user = people["learner"].user
        start = timezone.now() - datetime.timedelta(minutes=30)
        attempt = attempts.attempt_start(quiz=quiz, user=user, now=start)
        attempts.answer_save(attempt=attempt, position=1, data={"choice": 0}, now=start)
        done = attempts.attempt_submit(attempt=attempt)  # the learner's, 10 minutes late
        assert done.auto_submitted and done.submitted_at == attempt.deadline
        assert done.state == AttemptState.GRADED and done.score == D(1)

    def test_a_submit_within_the_grace_is_the_learners(self, quiz, people):
        user = people["learner"].user
        start = timezone.now()
        attempt = attempts.attempt_start(quiz=quiz, user=user, now=start)
        now = attempt.deadline + permissions.GRACE
        done = attempts.attempt_submit(attempt=attempt, now=now)
        assert not done.auto_submitted and done.submitted_at == now

    def test_the_grades_are_written_for_every_item(self, quiz, people):
        user = people["learner"].user
        attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(5))
        attempts.answer_save(attempt=attempt, position=1, data={"choice": 0})
        attempts.answer_save(attempt=attempt, position=2, data={"choice": 1})
        attempts.attempt_submit(attempt=attempt)
        items = {i.position: (i.state, i.fraction, i.score) for i in attempt.items.all()}
        assert items == {
            1: ("graded", D(1), D("1.00")),
            2: ("graded", D(0), D("0.00")),
            3: ("unanswered", D(0), D("0.00")),
            4: ("unanswered", D(0), D("0.00")),
            5: ("unanswered", D(0), D("0.00")),
        }

    def test_a_submit_by_someone_else_is_refused(self, quiz, people):
        attempt = attempts.attempt_start(quiz=quiz, user=people["learner"].user)
        other = people["colleague"].user
        assert attempts.attempt_submit_own(attempt_id=attempt.pk, user=other) is None
        attempt.refresh_from_db()
        assert attempt.state == AttemptState.IN_PROGRESS

    def test_editing_a_question_leaves_past_attempts_alone(self, quiz, people, bank):
        user = people["learner"].user
        attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(4))
        fixed = bank[0]
        fixed.text = "改过的题目"
        fixed.save()
        services.question_record_version(question=fixed)
        assert attempt.items.get(position=1).version.content.text.startswith("第0题")
        attempts.attempt_submit(attempt=attempt)
        fresh = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(4))
        assert fresh.items.get(position=1).version.content.text == "改过的题目"


def submit_queries(course, user, size) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    questions = services.questions_import(
        [single(n) for n in range(size)], default_category=f"题库{size}"
    )
    quiz = QuizPage(title=f"{size}题考试", slug=f"exam-{size}")
    course.add_child(instance=quiz)
    QuizSlot.objects.create(quiz=quiz, category=questions[0].category, count=size)
    attempt = attempts.attempt_start(quiz=quiz, user=user)
    for position in range(1, size + 1):
        attempts.answer_save(attempt=attempt, position=position, data={"choice": 0})
    with CaptureQueriesContext(connection) as ctx:
        done = attempts.attempt_submit(attempt=attempt)
    assert done.score == D(size) and done.passed
    return len(ctx.captured_queries)


def test_grading_a_50_question_attempt_runs_a_fixed_number_of_queries(course, people):
    user = people["learner"].user
    small = submit_queries(course, user, 5)
    large = submit_queries(course, user, 50)
    # Lock and read the attempt, read its items with their versions, one UPDATE of every
    # item, one of the attempt, and tell the course (its page and the enrolment, which the
    # passed quiz may complete); on PostgreSQL also BEGIN and COMMIT.
    assert large == small <= 8, (small, large)
