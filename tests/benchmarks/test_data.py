"""The benchmark's data generator and page checks, on a small data set, so neither can rot.

Speed itself is measured by `make bench`, never here.
"""

import random
from http.cookies import SimpleCookie

import pytest
from django.db.models import Count
from django.test import Client

from assessments.models import Attempt, AttemptState, Question, QuestionVersion
from assessments.questions.data import QuestionType
from courses.models import CoursePage, Enrolment, LessonCompletion, LessonPage, Reminder
from lms.models import StaffProfile, User
from tests.benchmarks import bench_learning, bench_quiz
from tests.benchmarks.data import generate
from tests.benchmarks.harness import Context, Options
from tests.benchmarks.quiz_data import quiz_generate

STAFF, COMPLETIONS, COURSES, LESSONS = 120, 1500, 4, 5


@pytest.fixture
def data(db):
    return generate(
        staff=STAFF, completions=COMPLETIONS, courses=COURSES, lessons_per_course=LESSONS
    )


def test_generated_data(data):
    """Exact counts, consistent progress and a typical sample learner (one data set: fast)."""
    assert data.completions == LessonCompletion.objects.count() == COMPLETIONS
    assert data.staff == StaffProfile.objects.count() == STAFF
    assert CoursePage.objects.live().count() == COURSES
    assert LessonPage.objects.live().count() == data.lessons == COURSES * LESSONS
    assert Enrolment.objects.count() == data.enrolments
    assert Reminder.objects.count() == data.reminders
    # Several courses each, and more enrolments than the completions need.
    per_person = User.objects.annotate(n=Count("enrolments")).values_list("n", flat=True)
    assert min(per_person) >= 2
    assert data.enrolments * LESSONS > COMPLETIONS

    # A completion is in a course the person is enrolled in, and of a lesson of that course.
    enrolled = set(Enrolment.objects.values_list("user_id", "course_id"))
    parent = {
        lesson.pk: lesson.get_parent().pk for lesson in LessonPage.objects.only("path", "depth")
    }
    for user_id, lesson_id, course_id in LessonCompletion.objects.values_list(
        "user_id", "lesson_id", "course_id"
    ):
        assert (user_id, course_id) in enrolled
        assert parent[lesson_id] == course_id
    # An enrolment is complete exactly when every lesson of its course is done.
    done = {
        (user_id, course_id): n
        for user_id, course_id, n in LessonCompletion.objects.values("user_id", "course_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "course_id", "n")
        .order_by()
    }
    for user_id, course_id, completed_at in Enrolment.objects.values_list(
        "user_id", "course_id", "completed_at"
    ):
        assert (completed_at is not None) == (done.get((user_id, course_id)) == LESSONS)

    # The learner the benchmark signs in as: a course finished, the lesson still to do.
    learner = User.objects.get(pk=data.learner_id)
    assert learner.is_active and learner.profile.full_name == data.learner_name
    assert Enrolment.objects.filter(user=learner, completed_at__isnull=False).exists()
    assert not LessonCompletion.objects.filter(user=learner, lesson_id=data.lesson_id).exists()


def test_pages_pass_the_benchmarks_checks(data, client):
    """What the benchmark checks on its pages holds for the generated learner."""
    lesson = LessonPage.objects.get(pk=data.lesson_id)
    client.force_login(User.objects.get(pk=data.learner_id))
    response = client.get(lesson.url)
    assert response.status_code == 200
    bench_learning.check_lesson(response.content.decode(), data, lesson)
    response = client.get(bench_learning.MY_LEARNING)
    assert response.status_code == 200
    bench_learning.check_my_learning(response.content.decode(), data, lesson)


def test_too_many_completions_are_refused(db):
    with pytest.raises(ValueError, match="do not fit"):
        generate(staff=2, completions=2 * 2 * 3 + 1, courses=2, lessons_per_course=3)


def test_quiz_data_and_the_requests_the_quiz_benchmark_sends(data):
    """The bank, the quiz and its attempts; the benchmark's saves and submits, as sent."""
    quiz = quiz_generate(learners=3, questions=30, per_quiz=10, exclude=(data.learner_id,))
    assert quiz.questions == Question.objects.count() == QuestionVersion.objects.count() == 30
    types = dict(quiz.types)
    assert QuestionType.ESSAY not in types and len(types) == 6  # every objective type
    question = Question.objects.order_by("?").first()
    assert question.versions.get().content == question.to_data()  # as an import records it
    attempts = Attempt.objects.filter(pk__in=quiz.attempt_ids, state=AttemptState.IN_PROGRESS)
    assert [a.user_id for a in attempts.order_by("pk")] == list(quiz.learner_ids)
    assert all(a.items.count() == 10 and a.deadline for a in attempts)
    assert data.learner_id not in quiz.learner_ids
    assert quiz_generate(learners=3, questions=30, per_quiz=10, exclude=(data.learner_id,)) == quiz

    ctx = Context(Options(), log=lambda _text: None)
    sent, filled, counted = bench_quiz.learners_of(quiz, ctx)
    origin, rng = "http://testserver", random.Random(1)

    def send(learner, step):
        client = Client(enforce_csrf_checks=True)
        for name, morsel in SimpleCookie(learner.cookie).items():
            client.cookies[name] = morsel.value
        content_type = step.headers.pop("Content-Type")
        response = client.generic(
            step.method, step.path, step.body, content_type, headers=step.headers
        )
        assert response.status_code == step.expect
        assert step.check in response.content
        assert response.get("Location", "") == step.location

    for item in sent.items:
        send(sent, sent.save(origin, item, rng.random() < 0.5, rng))
    send(sent, sent.save(origin, sent.items[0], True, rng))  # a changed answer
    send(sent, sent.submit(origin))
    send(filled, filled.save(origin, filled.items[3], False, rng))
    assert bench_quiz.fill_answers([filled], rng) == 9
    send(filled, filled.submit(origin))
    measured = bench_quiz.in_process(counted)
    assert set(measured) == {"answer save", "submit"}
    assert all(sql for _path, sql, _seconds in measured.values())
    bench_quiz.check_attempts([sent, filled, counted])
