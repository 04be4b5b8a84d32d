# Chinese text is written with its own full-width punctuation.
# ruff: noqa: RUF001
"""The learner's lesson page and My learning are cheap to serve, and the caches that make
them so never show a stale page or someone else's state.

What the pages keep in the cache (lms.platform.routing: the routed page, the site; the lesson's
rendered body; the course's outline) is keyed by the pages' version, which every change
to a page, site, view restriction, image or document changes; what is a person's own is
read from the database on every request.
"""

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction

from courses.learning import services
from courses.models import LessonPage

pytestmark = pytest.mark.django_db


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response
    return response.content.decode()


@pytest.fixture
def learner(people, login, course):
    """The learner, signed in, in the course, the first lesson finished."""
    client = login(people["learner"])
    client.post(f"/learning/courses/{course.pk}/start/")
    services.lesson_complete(user=people["learner"].user, lesson=course.lessons[0])
    return client


# Queries -----------------------------------------------------------------------------


def test_a_lesson_takes_four_queries_once_the_caches_are_warm(
    learner, course, django_assert_max_num_queries
):
    url = course.lessons[1].url
    get(learner, url)  # caches filled; the visit recorded
    # Session, user, the learner's state, roles: no site, no route, no page (the caches).
    with django_assert_max_num_queries(4):
        html = get(learner, url)
    assert course.lessons[1].title in html


def test_my_learning_takes_three_queries_once_the_caches_are_warm(
    learner, django_assert_max_num_queries
):
    get(learner, "/learning/")
    # Session, the learner's learning rows (the page's cache key), roles.
    with django_assert_max_num_queries(3):
        html = get(learner, "/learning/")
    assert "客户服务知识" in html


def test_the_first_visit_of_a_lesson_is_recorded_and_the_next_writes_nothing(
    learner, people, course, django_assert_max_num_queries
):
    from courses.models import Enrolment

    lesson = course.lessons[2]
    get(learner, lesson.url)
    enrolment = Enrolment.objects.get(user=people["learner"].user, course=course)
    assert enrolment.last_lesson_id == lesson.pk
    with django_assert_max_num_queries(4) as captured:
        get(learner, lesson.url)
    assert not [q for q in captured.captured_queries if q["sql"].startswith("UPDATE")]


# Nothing stale ----------------------------------------------------------------------------


def test_a_publish_shows_the_new_body_at_once(learner, course):
    lesson = LessonPage.objects.get(pk=course.lessons[1].pk)
    lesson.body = [("text", "<p>旧的正文。</p>")]
    lesson.save_revision().publish()
    assert "旧的正文" in get(learner, lesson.url)

    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.body = [("text", "<p>新的正文。</p>")]
    lesson.title = "改过的标题"
    lesson.save_revision().publish()
    html = get(learner, lesson.url)
    assert "新的正文" in html and "旧的正文" not in html
    assert "改过的标题" in html

    # A draft is not shown; a save without a revision (a script, a migration) is.
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.body = [("text", "<p>草稿。</p>")]
    lesson.save_revision()
    assert "草稿" not in get(learner, lesson.url)
    LessonPage.objects.get(pk=lesson.pk).save()  # as in a data migration
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.body = [("text", "<p>脚本写的。</p>")]
    lesson.save()
    assert "脚本写的" in get(learner, lesson.url)


def test_a_change_no_signal_announced_is_stale_with_the_cache_and_fresh_without(
    learner, course, settings
):
    """What another process changes reaches this one's cache only through a shared cache.
    Without one (local memory: LMS_PAGE_CACHE off), nothing is kept between requests."""
    lesson = course.lessons[1]
    get(learner, lesson.url)
    LessonPage.objects.filter(pk=lesson.pk).update(title="别处改的标题")  # no signal here
    assert "别处改的标题" not in get(learner, lesson.url)  # as another process's change
    settings.LMS_PAGE_CACHE = False
    assert "别处改的标题" in get(learner, lesson.url)


def test_the_neighbours_and_the_course_follow_a_publish(learner, course):
    url = course.lessons[1].url
    assert course.lessons[2].title in get(learner, url)
    nxt = LessonPage.objects.get(pk=course.lessons[2].pk)
    nxt.title = "新的第三课"
    nxt.save_revision().publish()
    html = get(learner, url)
    assert "新的第三课" in html and "第 2 课时，共 3 课时" in html

    nxt.unpublish()
    html = get(learner, url)
    assert "新的第三课" not in html and "第 2 课时，共 2 课时" in html


def test_unpublished_moved_and_restricted_lessons(learner, client, course):
    lesson = LessonPage.objects.get(pk=course.lessons[1].pk)
    old_url = lesson.url
    get(learner, old_url)

    lesson.slug = "renamed"
    lesson.save_revision().publish()
    get(learner, old_url, status=404)
    new_url = LessonPage.objects.get(pk=lesson.pk).url
    assert get(learner, new_url)

    LessonPage.objects.get(pk=lesson.pk).unpublish()
    get(learner, new_url, status=404)

    # A view restriction added to the course applies at once to its lessons.
    other = course.lessons[2].url
    client.logout()
    get(client, other)
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(other)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_document_renamed_shows_in_the_body_at_once(learner, course):
    document = Document.objects.create(title="旧的速查表", file=ContentFile(b"x", "sla.txt"))
    lesson = LessonPage.objects.get(pk=course.lessons[1].pk)
    lesson.body = [("document", {"document": document, "title": "", "description": ""})]
    lesson.save_revision().publish()
    assert "旧的速查表" in get(learner, lesson.url)
    document.title = "新的速查表"
    document.save()
    html = get(learner, lesson.url)
    assert "新的速查表" in html and "旧的速查表" not in html


def test_the_body_is_rendered_in_the_reader_s_language(learner, course):
    lesson = LessonPage.objects.get(pk=course.lessons[1].pk)
    lesson.body = [("key_rule", {"clause": "3.1.4", "rule": "5分钟内回复。", "note": ""})]
    lesson.save_revision().publish()
    assert "关键规定" in get(learner, lesson.url)
    learner.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = get(learner, lesson.url)
    assert "Key rule" in html and "关键规定" not in html


# Everyone their own ---------------------------------------------------------------------


def test_two_learners_see_their_own_progress(people, client, course):
    from django.test import Client

    first, second = people["learner"].user, people["colleague"].user
    services.course_start(user=first, course=course)
    services.course_start(user=second, course=course)
    services.lesson_complete(user=first, lesson=course.lessons[0])
    services.lesson_complete(user=first, lesson=course.lessons[1])

    mine, theirs = Client(), Client()
    mine.force_login(first)
    theirs.force_login(second)
    url = course.lessons[0].url
    for _ in range(2):  # cold caches, then warm
        html = get(mine, url)
        assert "您已于" in html and "我已学完本课" not in html
        assert people["learner"].full_name in html
        html = get(theirs, url)
        assert "我已学完本课" in html and "您已于" not in html
        assert people["colleague"].full_name in html
        assert people["learner"].full_name not in html

        html = get(mine, "/learning/")
        assert "已完成 2/3 课时" in html
        html = get(theirs, "/learning/")
        assert "已完成 0/3 课时" in html

    services.lesson_complete(user=second, lesson=course.lessons[0])
    assert "您已于" in get(theirs, url)
    assert "已完成 1/3 课时" in get(theirs, "/learning/")


def test_a_locked_course_shows_its_prerequisites_to_whoever_has_not_finished_them(
    people, index, course
):
    from django.test import Client

    from tests import factories

    later, later_lessons = factories.course(index, "进阶课程", lessons=2)
    later.prerequisites.add(course)
    later.save_revision().publish()
    done, fresh = people["learner"].user, people["colleague"].user
    for lesson in course.lessons:
        services.lesson_complete(user=done, lesson=lesson)

    mine, theirs = Client(), Client()
    mine.force_login(done)
    theirs.force_login(fresh)
    url = later_lessons[0].url
    html = get(theirs, url)
    assert "请先完成以下课程" in html and course.title in html
    html = get(mine, url)
    assert "请先完成以下课程" not in html and "我已学完本课" in html


def test_the_learner_s_state_is_read_whole_in_one_query(
    learner, people, course, django_assert_num_queries
):
    from courses.learning import selectors
    from courses.models import LessonCompletion

    user = people["learner"].user
    lesson = LessonPage.objects.get(pk=course.lessons[0].pk)
    selectors.lesson_state_for(user, lesson)  # the course's outline cached
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson._cached_parent_obj = course  # as routing gives it
    with django_assert_num_queries(1):
        state = selectors.lesson_state_for(user, lesson)
    record = LessonCompletion.objects.get(user=user, lesson=lesson)
    assert state.completed_at == record.completed_at
    assert state.completed_at.tzinfo is not None
    assert (state.number, state.count, state.enrolled) == (1, 3, True)
    assert state.previous is None and state.next.pk == course.lessons[1].pk
    assert state.course.pk == course.pk and state.course.url == course.url
