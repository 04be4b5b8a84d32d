"""The quizzes a course requires, registered with the courses app's completion hook."""

from assessments.models.quizzes import Attempt, QuizPage
from courses.learning.completion import Requirement


def required_quizzes(user, course) -> list[Requirement]:
    """The live quizzes of `course` that must be passed, and whether `user` has passed each."""
    quizzes = list(QuizPage.objects.child_of(course).live().filter(required_for_completion=True))
    if not quizzes:
        return []
    passed = set()
    if getattr(user, "is_authenticated", False):
        passed = set(
            Attempt.objects.filter(user=user, quiz__in=quizzes, passed=True).values_list(
                "quiz_id", flat=True
            )
        )
    return [Requirement(quiz.title, quiz.pk in passed, quiz.url) for quiz in quizzes]
