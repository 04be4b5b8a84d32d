"""The quizzes a course requires, registered with the courses app's completion hook."""

from functools import reduce
from operator import or_

from django.db.models import Q

from assessments.models.quizzes import Attempt, QuizPage
from courses.learning.completion import Requirement


def required_quizzes(user, course) -> list[Requirement]:
    """The live quizzes of `course` that must be passed, and whether `user` has passed each."""
    quizzes = list(QuizPage.objects.child_of(course).live().filter(required_for_completion=True))
    if not quizzes:
        return []
    passed = _passed(user, quizzes)
    return [Requirement(quiz.title, quiz.pk in passed, quiz.url) for quiz in quizzes]


def required_quizzes_many(user, courses) -> dict[int, list[Requirement]]:
    """`required_quizzes` of several courses (pages with path and depth) in two queries."""
    courses = [c for c in courses if getattr(c, "path", "")]
    if not courses:
        return {}
    children = (Q(path__startswith=c.path, depth=c.depth + 1) for c in courses)
    quizzes = list(
        QuizPage.objects.live()
        .filter(reduce(or_, children), required_for_completion=True)
        .only("pk", "title", "path", "depth", "url_path")
        .order_by("path")
    )
    passed = _passed(user, quizzes) if quizzes else set()
    by_path = {c.path: c.pk for c in courses}
    steplen = QuizPage.steplen
    found: dict[int, list[Requirement]] = {}
    for quiz in quizzes:
        course_id = by_path.get(quiz.path[: len(quiz.path) - steplen])
        if course_id is not None:
            requirement = Requirement(quiz.title, quiz.pk in passed, quiz.get_url() or "")
            found.setdefault(course_id, []).append(requirement)
    return found


def _passed(user, quizzes) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Attempt.objects.filter(user=user, quiz__in=quizzes, passed=True).values_list(
            "quiz_id", flat=True
        )
    )
