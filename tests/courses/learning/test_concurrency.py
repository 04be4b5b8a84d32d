"""Two requests finishing the same lesson at once record it once (PostgreSQL)."""

import pytest

from courses.learning import services
from courses.models import Enrolment, LessonCompletion
from tests.concurrency import postgresql_only, run_at_once

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), postgresql_only]


def test_simultaneous_completions_are_recorded_once(people, course):
    user, lesson = people["learner"].user, course.lessons[-1]
    for earlier in course.lessons[:-1]:
        services.lesson_complete(user=user, lesson=earlier)
    results = run_at_once(
        [lambda: services.lesson_complete(user=user, lesson=lesson).completed_at] * 4
    )

    assert LessonCompletion.objects.filter(user=user, lesson=lesson).count() == 1
    assert len(set(results)) == 1  # every request answers with the one recorded time
    enrolment = Enrolment.objects.get(user=user, course=course)
    assert enrolment.completed_at is not None
