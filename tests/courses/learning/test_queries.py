"""A learner's pages cost the same number of queries whatever the size of the site."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.learning import services
from courses.models import CourseIndexPage, Enrolment, EnrolmentSource, LessonCompletion
from lms.models import User
from tests import factories

pytestmark = pytest.mark.django_db

# The most each page may take once the caches are warm (as on a running server): session,
# user with profile, roles, the site and its root page (unless
# lms.platform.middleware.SiteMiddleware keeps them in the cache; see
# tests/courses/learning/test_page_speed.py), then the page's own reads. The lesson: the page
# itself comes from the cache (lms.platform.routing), with its course's outline and its
# rendered body; the learner's state is one query. My learning: enrolments, completions,
# reminders. The course page asks once more since live sessions came: does the course need a
# live session attended?
MAX_QUERIES = {"lesson": 4, "course": 10, "catalogue": 8, "my_learning": 6}


def count_queries(client, url) -> int:
    client.get(url)  # caches filled, as on a running server
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(index, learner, *, courses=8, lessons=5, others=500, completions=20_000):
    """Many more courses, lessons, learners and completions; the learner in all courses."""
    now = timezone.now()
    made = [factories.course(index, f"扩充课程{n}", lessons=lessons) for n in range(courses)]
    for page, lesson_pages in made:
        Enrolment.objects.create(
            user=learner, course=page, source=EnrolmentSource.ASSIGNED, enrolled_at=now
        )
        services.lesson_complete(user=learner, lesson=lesson_pages[0])
    users = User.objects.bulk_create([User(username=f"X{n:05d}") for n in range(others)])
    pairs = [(page, lesson) for page, ls in made for lesson in ls]
    rows = []
    for n in range(completions):
        page, lesson = pairs[(n // others) % len(pairs)]
        rows.append(
            LessonCompletion(user=users[n % others], lesson=lesson, course=page, completed_at=now)
        )
    LessonCompletion.objects.bulk_create(rows, ignore_conflicts=True)
    return LessonCompletion.objects.count()


def test_learner_pages_run_a_fixed_number_of_queries(people, course, login):
    learner = people["learner"].user
    client = login(people["learner"])
    client.post(f"/learning/courses/{course.pk}/start/")
    services.lesson_complete(user=learner, lesson=course.lessons[0])
    urls = {
        "lesson": course.lessons[1].url,
        "course": course.url,
        "catalogue": CourseIndexPage.objects.get().url,
        "my_learning": "/learning/",
    }
    client.get(urls["lesson"])  # the first visit records where the learner is
    small = {name: count_queries(client, url) for name, url in urls.items()}

    total = grow(course.get_parent(), learner)
    assert total > 20_000
    large = {name: count_queries(client, url) for name, url in urls.items()}

    assert large == small
    for name, count in large.items():
        assert count <= MAX_QUERIES[name], name
