# Chinese text is written with its own full-width punctuation.
"""Issue 21: "continue where I stopped" leads to the module test once every lesson is done,
and "My learning" is kept per person in the cache under a key that changes with anything
it shows: a fixed, small number of queries whatever the number of courses, never stale."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import QuizPage, QuizSlot
from assessments.questions import services as question_services
from assessments.questions.data import Question as Q
from assessments.questions.data import QuestionType
from courses.learning import selectors, services
from courses.models import Enrolment, LessonCompletion, Reminder
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course):
    questions = question_services.questions_import(
        [Q(QuestionType.TRUE_FALSE, "异常应在2小时内联系客户。", correct=True)],
        default_category="客户服务知识",
    )
    quiz = QuizPage(title="客服模块测验", slug="module-test", pass_percent=Decimal(60))
    course.add_child(instance=quiz)
    QuizSlot.objects.create(quiz=quiz, question=questions[0], sort_order=0)
    return quiz


def finish_lessons(user, course):
    for lesson in course.lessons:
        services.lesson_complete(user=user, lesson=lesson)


def test_with_every_lesson_done_continue_leads_to_the_test(people, login, course, quiz):
    user = people["learner"].user
    client = login(people["learner"])
    client.post(f"/learning/courses/{course.pk}/start/")
    finish_lessons(user, course)
    assert Enrolment.objects.get(user=user).completed_at is None  # the test is required

    item = selectors.my_learning(user).open[0]
    assert item.continue_url == quiz.url and item.continue_title == "客服模块测验"
    html = client.get("/learning/").content.decode()
    assert f'class="button primary" href="{quiz.url}"' in html
    assert f'href="{course.lessons[0].url}"' not in html

    progress = selectors.course_progress_for(user, course)
    assert progress.continue_url == quiz.url
    assert f'href="{quiz.url}"' in client.get(course.url).content.decode()


def test_before_that_continue_leads_to_the_next_lesson(people, login, course, quiz):
    user = people["learner"].user
    login(people["learner"]).post(f"/learning/courses/{course.pk}/start/")
    services.lesson_complete(user=user, lesson=course.lessons[0])
    item = selectors.my_learning(user).open[0]
    assert item.continue_lesson.pk == course.lessons[1].pk
    assert item.continue_url == course.lessons[1].url


@pytest.fixture
def enrolled(people, login, index):
    """The learner in `n` courses of three lessons, half done in each; signed in."""

    def make(n):
        user = people["learner"].user
        client = login(people["learner"])
        for k in range(n):
            page, lessons = factories.course(index, f"课程{k}", slug=f"c{k}")
            services.course_start(user=user, course=page)
            services.lesson_complete(user=user, lesson=lessons[0])
        return client

    return make


@pytest.mark.parametrize("courses", [1, 6])
def test_my_learning_takes_the_same_few_queries_whatever_the_courses(
    enrolled, courses, django_assert_max_num_queries
):
    client = enrolled(courses)
    assert client.get("/learning/").status_code == 200  # the caches filled
    # Session, the learner's learning rows (the key), roles: no enrolments, lessons or
    # reminders read.
    with django_assert_max_num_queries(3):
        html = client.get("/learning/").content.decode()
    assert html.count('class="card course-card"') == courses


def page(client) -> str:
    """The page, without its per-request CSRF tokens."""
    html = client.get("/learning/").content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_my_learning_follows_every_change_at_once(enrolled, people, index):
    client = enrolled(2)
    user = people["learner"].user
    first = page(client)
    assert first.count("已完成 1/3 课时") == 2
    enrolment = Enrolment.objects.filter(user=user).order_by("pk").first()

    # a lesson finished
    lesson = enrolment.course.get_children().live().specific().order_by("path")[1]
    services.lesson_complete(user=user, lesson=lesson)
    assert page(client).count("已完成 1/3 课时") == 1 and "已完成 2/3 课时" in page(client)

    # a due date moved by a bulk update (no signal)
    before = page(client)
    due = timezone.localdate() - datetime.timedelta(days=2)
    Enrolment.objects.filter(pk=enrolment.pk).update(due_on=due)
    after = page(client)
    assert after != before and "逾期" in after

    # a reminder made, then dismissed
    reminder = Reminder.objects.create(enrolment=enrolment, kind="overdue")
    assert 'class="message error reminder"' in page(client)
    Reminder.objects.filter(pk=reminder.pk).update(dismissed_at=timezone.now())
    assert 'class="message error reminder"' not in page(client)

    # a completion removed (a retraining reset)
    LessonCompletion.objects.filter(user=user, lesson=lesson).delete()
    assert page(client).count("已完成 1/3 课时") == 2

    # the reader's language
    client.cookies["lms_language"] = "en"
    assert "1 of 3 lessons" in page(client)


def test_two_learners_never_see_each_other_s_courses(people, login, index):
    mine, _ = factories.course(index, "我的课程", slug="mine")
    theirs, _ = factories.course(index, "别人的课程", slug="theirs")
    services.course_start(user=people["learner"].user, course=mine)
    services.course_start(user=people["colleague"].user, course=theirs)
    assert "我的课程" in page(login(people["learner"]))
    other = page(login(people["colleague"]))
    assert "别人的课程" in other and "我的课程" not in other
