"""No URL parameter yields a 500: every int and str parameter of every page of ours, as HR
and as a learner, against the demo company (its real objects have small ids, so the numbers
drawn land on real rows as well as on missing and absurd ones)."""

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.models import User

pytestmark = pytest.mark.django_db

# Not ours, or not a page: Wagtail's admin and its pages' catch-all, allauth, documents.
NOT_OURS = ("cms/", "accounts/", "documents/", "django-admin/")
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _routes(patterns=None, prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            wagtail_pages = getattr(entry.urlconf_name, "__name__", "") == "wagtail.urls"
            if not route.startswith(NOT_OURS) and not wagtail_pages:
                yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and PARAMETER.search(route):
            yield route


ROUTES = sorted(set(_routes()))


def test_every_int_parameter_is_an_id():
    """Django's `int` converter lets a number too large for the database through: our patterns,
    the Wagtail admin's included, use `id`."""
    assert ROUTES
    root = Path(__file__).resolve().parents[1]
    sources = [p for app in ("lms", "courses", "assessments") for p in (root / app).rglob("*.py")]
    assert [str(p) for p in sources if "<int:" in p.read_text(encoding="utf-8")] == []


def test_a_number_too_large_for_the_database_is_not_found(people, login, no_mfa_enforcement):
    assert login(people["hr"]).get(f"/learning/sessions/{10**20}/").status_code == 404
    assert login(people["hr"]).get(f"/assessment/cycles/{2**63}/").status_code == 404


numbers = st.one_of(
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=2**31 - 2, max_value=2**31 + 2),
    st.integers(min_value=2**63 - 2, max_value=2**63 + 2),
    st.integers(min_value=0, max_value=10**30),
)
text = st.one_of(
    st.sampled_from(["E1001", "H0001", "A0001", "co", "east", "knowledge", "zh-hans", "csv"]),
    st.text(st.characters(exclude_characters="/", exclude_categories=["Cs"]), min_size=1),
)
slugs = st.from_regex(r"\A[-a-zA-Z0-9_]{1,30}\Z")


def _value(converter):
    if converter == "id":
        return numbers.map(str)
    if converter == "slug":
        return slugs
    return text.map(lambda s: quote(s, safe=""))


def _path(data, route):
    return "/" + PARAMETER.sub(lambda m: data.draw(_value(m["converter"] or "str")), route)


@pytest.mark.parametrize("route", ROUTES)
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_parameter_yields_a_500(seed_output, client, no_mfa_enforcement, route, data):
    # The test client raises what a view raises: an error fails the test as a 500 would.
    path = _path(data, route)
    for number in ("H0001", "E1001"):
        client.force_login(User.objects.get(username__iexact=number))
        response = client.get(path)
        assert response.status_code < 500, (number, path)
