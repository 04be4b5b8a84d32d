"""The quiz tables hold their rules themselves."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import Attempt, QuizPage, QuizSlot
from assessments.questions import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course):
    quiz = QuizPage(title="模块测验", slug="test")
    course.add_child(instance=quiz)
    return quiz


def test_a_slot_is_a_question_or_a_category_never_both_or_neither(quiz):
    category = services.category_for_path("客户服务知识")
    with pytest.raises(IntegrityError), transaction.atomic():
        QuizSlot.objects.create(quiz=quiz, category=None, question=None)
    QuizSlot.objects.create(quiz=quiz, category=category, count=5)


def test_a_learner_has_at_most_one_open_attempt_per_quiz(quiz, people):
    user = people["learner"].user
    Attempt.objects.create(quiz=quiz, user=user, number=1, started_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(quiz=quiz, user=user, number=2, started_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(
            quiz=quiz, user=user, number=1, started_at=timezone.now(), state="graded"
        )


def test_quizzes_sit_in_courses_or_course_indexes_only():
    from courses.models import CourseIndexPage, CoursePage

    assert set(QuizPage.allowed_parent_page_models()) == {CoursePage, CourseIndexPage}
