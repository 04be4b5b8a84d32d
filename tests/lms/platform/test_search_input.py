"""No search input yields a 500, on SQLite's FTS5 and PostgreSQL's text search alike."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.learning import selectors
from tests.strategies import han

pytestmark = pytest.mark.django_db

# The databases' own query syntax: quotes, brackets, operators, prefixes, escapes.
syntax = st.sampled_from(
    ['"', "'", "(", ")", "*", "^", ":", "-", "+", "\\", "%", "_", "{", "}", "NEAR", "AND",
     "OR", "NOT", "&", "|", "!", "<->", " ", "\t", "\x00"]
)  # fmt: skip
queries = st.lists(st.one_of(syntax, han, st.text(max_size=5)), max_size=12).map("".join)


@pytest.mark.parametrize("query", ['"', '""', "'", '投诉"', "NEAR(", "a OR", "*", "\\"])
def test_a_query_of_syntax_answers_a_page(client, course, query):
    response = client.get("/learning/search/", {"q": query})
    assert response.status_code == 200


def test_words_around_syntax_still_find_the_lesson(course):
    lesson = course.lessons[0]
    word = lesson.title[:2]
    assert lesson.pk in [page.pk for page in selectors.search_lessons(f'"{word}"')]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries)
def test_no_search_input_yields_a_500(client, course, query):
    assert client.get("/learning/search/", {"q": query}).status_code == 200


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries)
def test_nor_in_the_admin(people, login, course, query):
    response = login(people["trainer"]).get("/cms/pages/search/", {"q": query})
    assert response.status_code == 200
