"""The two-query page route finds what Wagtail's walk finds, and 404s where it does; then
the cache remembers it until a page changes."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page

from lms.models import HomePage
from tests import factories

pytestmark = pytest.mark.django_db


def wagtail_walk(home, components):
    return Page.route(home, RequestFactory().get("/"), components)


def fast(home, components):
    return home.route(RequestFactory().get("/"), components)


@pytest.fixture
def tree(db):
    index = factories.training_site()
    course, lessons = factories.course(index, "业务流程", lessons=2, slug="process")
    return HomePage.objects.get(), index, course, lessons


def test_every_page_routes_to_the_same_page(tree):
    home, _index, _course, _lessons = tree
    for page in Page.objects.descendant_of(home):
        components = page.url_path[len(home.url_path) :].strip("/").split("/")
        found = fast(home, components).page
        assert found == wagtail_walk(home, components).page
        assert type(found) is type(page.specific)


def test_unknown_and_unpublished_pages_are_not_found(tree):
    home, _index, _course, lessons = tree
    with pytest.raises(Http404):
        fast(home, ["training", "courses", "process", "no-such-lesson"])
    lessons[0].unpublish()
    with pytest.raises(Http404):
        fast(home, ["training", "courses", "process", "lesson-1"])
    with pytest.raises(Http404):
        wagtail_walk(home, ["training", "courses", "process", "lesson-1"])


def test_a_lesson_is_found_in_two_queries(tree, django_assert_num_queries):
    home = tree[0]
    with django_assert_num_queries(2):
        page = fast(home, ["training", "courses", "process", "lesson-2"]).page
    assert page.title == "业务流程 第2课"
    with django_assert_num_queries(0):
        assert page.get_parent().title == "业务流程"  # the parent comes with the route
    # Then from the cache, parent included, until a page changes.
    with django_assert_num_queries(0):
        again = fast(home, ["training", "courses", "process", "lesson-2"]).page
        assert again == page and again.get_parent().title == "业务流程"
    page.save_revision().publish()
    with django_assert_num_queries(2):
        fast(home, ["training", "courses", "process", "lesson-2"])


def test_a_remembered_route_follows_a_move_and_an_unpublish(tree):
    home, _index, _course, lessons = tree
    path = ["training", "courses", "process", "lesson-1"]
    assert fast(home, path).page == lessons[0]
    lesson = Page.objects.get(pk=lessons[0].pk).specific
    lesson.slug = "first"
    lesson.save_revision().publish()
    with pytest.raises(Http404):
        fast(home, path)
    assert fast(home, [*path[:-1], "first"]).page == lessons[0]
    lesson.unpublish()
    with pytest.raises(Http404):
        fast(home, [*path[:-1], "first"])


def test_pages_with_their_own_route_keep_it(tree, monkeypatch):
    from courses.models import CoursePage

    calls = []

    def custom_route(self, request, path_components):
        calls.append(path_components)
        return Page.route(self, request, path_components)

    monkeypatch.setattr(CoursePage, "route", custom_route)
    home = tree[0]
    page = fast(home, ["training", "courses", "process", "lesson-1"]).page
    assert page.title == "业务流程 第1课"
    assert calls == [["lesson-1"]]
