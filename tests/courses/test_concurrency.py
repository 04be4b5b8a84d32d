"""Two requests finishing the same lesson at once record it once (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from courses import services
from courses.models import Enrolment, LessonCompletion

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a database that runs writers at once"
    ),
]


def test_simultaneous_completions_are_recorded_once(people, course):
    user, lesson = people["learner"].user, course.lessons[-1]
    for earlier in course.lessons[:-1]:
        services.lesson_complete(user=user, lesson=earlier)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def finish():
        try:
            barrier.wait()
            results.append(services.lesson_complete(user=user, lesson=lesson).completed_at)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=finish) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert LessonCompletion.objects.filter(user=user, lesson=lesson).count() == 1
    assert len(set(results)) == 1  # every request answers with the one recorded time
    enrolment = Enrolment.objects.get(user=user, course=course)
    assert enrolment.completed_at is not None
