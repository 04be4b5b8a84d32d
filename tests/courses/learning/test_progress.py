"""Learning: completing lessons and courses, the completion hook, My learning."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses.learning import completion, selectors, services
from courses.learning.signals import course_completed
from courses.models import Enrolment, EnrolmentSource, LessonCompletion, LessonPage
from tests import factories

pytestmark = pytest.mark.django_db


def finish(client, lesson):
    return client.post(f"/learning/lessons/{lesson.pk}/complete/")


class TestLessonCompletion:
    def test_finishing_a_lesson_is_recorded_once_with_its_time(self, people, course, login):
        client = login(people["learner"])
        lesson = course.lessons[0]
        before = timezone.now()
        response = finish(client, lesson)
        assert response.status_code == 302
        assert response.url == course.lessons[1].url  # on to the next lesson
        first = LessonCompletion.objects.get()
        assert first.completed_at >= before

        finish(client, lesson)  # again, e.g. a double tap
        assert LessonCompletion.objects.get().completed_at == first.completed_at
        page = client.get(lesson.url).content.decode()
        assert "I have finished this lesson" not in page and "我已学完本课" not in page

    def test_reading_a_lesson_is_not_finishing_it(self, people, course, login):
        client = login(people["learner"])
        client.post(f"/learning/courses/{course.pk}/start/")
        assert client.get(course.lessons[0].url).status_code == 200
        assert not LessonCompletion.objects.exists()

    def test_finishing_needs_a_post_and_a_signed_in_person(self, client, course):
        lesson = course.lessons[0]
        assert client.post(f"/learning/lessons/{lesson.pk}/complete/").status_code == 302
        assert not LessonCompletion.objects.exists()
        assert client.get(f"/learning/lessons/{lesson.pk}/complete/").status_code in (302, 405)

    def test_the_course_is_complete_when_every_lesson_is(
        self, people, course, login, django_capture_on_commit_callbacks
    ):
        client = login(people["learner"])
        received = []

        def on_completed(sender, enrolment, **kwargs):
            received.append(enrolment)

        course_completed.connect(on_completed, weak=False, dispatch_uid="t")
        try:
            for lesson in course.lessons[:-1]:
                finish(client, lesson)
            assert Enrolment.objects.get().completed_at is None
            with django_capture_on_commit_callbacks(execute=True):
                response = finish(client, course.lessons[-1])
            assert response.url == course.url
        finally:
            course_completed.disconnect(dispatch_uid="t")
        enrolment = Enrolment.objects.get()
        assert enrolment.completed_at is not None
        assert enrolment.source == EnrolmentSource.SELF
        assert [e.pk for e in received] == [enrolment.pk]
        page = client.get(course.url).content.decode()
        assert page.count("✓") >= 3

    def test_a_completed_course_stays_complete_when_a_lesson_is_added(self, people, course):
        user = people["learner"].user
        for lesson in course.lessons:
            services.lesson_complete(user=user, lesson=lesson)
        course.add_child(instance=LessonPage(title="新增的课", slug="new", body=[]))
        status = selectors.course_progress_for(user, course).status
        assert status.complete and status.percent == 100
        assert status.lessons_done == 3 and status.lessons_total == 4


class TestCompletionHook:
    def test_a_registered_requirement_holds_the_course_open_until_met(self, people, course):
        user = people["learner"].user
        passed = {"quiz": False}

        def quiz_requirement(u, c):
            return [completion.Requirement("模块测验", passed["quiz"], "/quiz/1/")]

        completion.register_requirement_provider(quiz_requirement)
        try:
            for lesson in course.lessons:
                services.lesson_complete(user=user, lesson=lesson)
            assert Enrolment.objects.get().completed_at is None
            progress = selectors.course_progress_for(user, course)
            assert progress.requirements == [completion.Requirement("模块测验", False, "/quiz/1/")]

            passed["quiz"] = True
            services.enrolment_refresh_completion(user=user, course=course)
            assert Enrolment.objects.get().completed_at is not None
        finally:
            completion.unregister_requirement_provider(quiz_requirement)


class TestPrerequisites:
    def test_lessons_are_locked_until_the_prerequisites_are_complete(self, people, index, login):
        basics, basic_lessons = factories.course(index, "业务流程", lessons=1)
        advanced, lessons = factories.course(index, "应急处理", lessons=1)
        advanced.prerequisites.add(basics)
        advanced.save_revision().publish()
        client = login(people["learner"])

        response = finish(client, lessons[0])
        assert not LessonCompletion.objects.exists()
        assert "业务流程" in client.get(response.url).content.decode()
        with pytest.raises(ValidationError):
            services.course_start(user=people["learner"].user, course=advanced)

        services.assignment_create(
            by=people["hr"].user, course=advanced, people=[people["learner"].user]
        )
        item = selectors.my_learning(people["learner"].user).open[0]
        assert item.locked_by == ["业务流程"]
        html = client.get("/learning/").content.decode()
        assert lessons[0].url not in html  # no "start" link, the lock instead

        finish(client, basic_lessons[0])
        finish(client, lessons[0])
        assert LessonCompletion.objects.count() == 2
        assert selectors.my_learning(people["learner"].user).open == []


class TestMyLearning:
    def test_courses_show_due_dates_progress_and_markers(self, people, index, login):
        user = people["learner"].user
        today = timezone.localdate()
        late, _late_lessons = factories.course(index, "迟了的课", lessons=2)
        soon, _ = factories.course(index, "快到期的课", lessons=2)
        later, later_lessons = factories.course(index, "还早的课", lessons=4)
        done, done_lessons = factories.course(index, "学完的课", lessons=1)
        for course, due in ((late, -2), (soon, 2), (later, 30), (done, 10)):
            services.assignment_create(
                by=people["hr"].user, course=course, people=[user],
                due_on=today + datetime.timedelta(days=max(due, 0)),
            )  # fmt: skip
        Enrolment.objects.filter(course=late).update(due_on=today - datetime.timedelta(days=2))
        services.lesson_complete(user=user, lesson=later_lessons[0])
        services.lesson_complete(user=user, lesson=done_lessons[0])

        learning = selectors.my_learning(user)
        assert [i.enrolment.course.title for i in learning.open] == [
            "迟了的课",
            "快到期的课",
            "还早的课",
        ]
        late_item, soon_item, later_item = learning.open
        assert late_item.status.overdue and not late_item.status.due_soon
        assert soon_item.status.due_soon and not soon_item.status.overdue
        assert later_item.status.percent == 25
        assert later_item.continue_lesson.pk == later_lessons[1].pk
        assert [i.enrolment.course.title for i in learning.completed] == ["学完的课"]

        html = login(people["learner"]).get("/learning/").content.decode()
        for text in ("迟了的课", "快到期的课", "还早的课", "学完的课", later_lessons[1].url):
            assert text in html
        assert 'value="25"' in html

    def test_continue_goes_back_to_the_unfinished_lesson_last_opened(self, people, course, login):
        client = login(people["learner"])
        client.post(f"/learning/courses/{course.pk}/start/")
        finish(client, course.lessons[0])
        client.get(course.lessons[2].url)  # jumps ahead, does not finish
        item = selectors.my_learning(people["learner"].user).open[0]
        assert item.continue_lesson.pk == course.lessons[2].pk

    def test_a_learner_sees_only_their_own_learning(self, people, course, login):
        services.lesson_complete(user=people["colleague"].user, lesson=course.lessons[0])
        html = login(people["learner"]).get("/learning/").content.decode()
        assert course.title not in html
