"""What a careless or hostile caller gets: a JSON refusal with the right status, never a
500 or the site's HTML page, and nothing written."""

import json

import pytest

from assessments.models import ImportBatch
from lms.models import StaffProfile, User
from tests import factories
from tests.assessments.api.test_writes import headed, roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(client, make_token):
    """send(method, path, body, content_type=...): the raw call, with a token of every scope."""
    token = make_token()

    def call(method, path, body=b"", content_type="application/json", **headers):
        return client.generic(
            method,
            f"/api/v1{path}",
            body,
            content_type=content_type,
            HTTP_AUTHORIZATION=f"Bearer {token}",
            **headers,
        )

    return call


def stored():
    """What a refused call must leave as it was."""
    return (
        sorted(User.objects.values_list("username", "email", "is_active")),
        sorted(StaffProfile.objects.values_list("user__username", "status", "full_name")),
        ImportBatch.objects.count(),
    )


ROW = {"employee number": "N100", "full name": "赵新"}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"rows": [', "application/json"),
        (b"rows=N100", "application/x-www-form-urlencoded"),
        (b'{"rows": [{"full name": "\xff\xfe"}]}', "application/json"),  # not UTF-8
        (b'{"rows": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "application/json"),
        # a lone surrogate: JSON's escape of no character (a 500 when written as CSV)
        (b'{"rows": [{"employee number": "N100", "full name": "\\ud800"}]}', "application/json"),
    ],
    ids=["truncated", "form", "not-utf-8", "nested", "lone-surrogate"],
)
def test_a_body_that_isnt_json_text_is_400_and_says_so(people, send, body, content_type):
    before = stored()
    answer = send("POST", "/roster", body, content_type=content_type, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    assert "isn't JSON" in answer.json()["detail"]
    assert stored() == before


def test_where_the_json_goes_wrong_is_told_in_the_callers_language(people, send):
    answer = send("POST", "/roster", b'{"rows": [{"a": 1},\n  ]}')
    assert answer.status_code == 400
    assert "第 2 行" in answer.json()["detail"] and "第 3 列" in answer.json()["detail"]


def test_an_emoji_written_as_a_surrogate_pair_is_text(people, send):
    row = json.dumps({"rows": [{"employee number": "L001", "full name": "王喆\U0001f600"}]})
    assert "\\ud83d\\ude00" in row
    assert send("POST", "/roster", row).status_code == 422  # the roster's own problems


def test_a_body_beyond_the_upload_limit_is_413_json(people, send, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    before = stored()
    body = json.dumps({"rows": headed("roster", [roster(f"N{n:03d}", "赵新") for n in range(20)])})
    answer = send("POST", "/roster", body, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 413
    assert answer.json()["detail"] == (
        "The body is larger than 1000 bytes: send the rows in several calls."
    )
    assert stored() == before


def test_a_key_the_payload_doesnt_have_is_refused_not_skipped(people, send):
    """ "fullRoster" for "full_roster" would sync a roster that marks no leavers."""
    before = stored()
    body = {"rows": headed("roster", [roster("N100", "赵新")]), "fullRoster": True}
    answer = send("POST", "/roster", json.dumps(body))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "payload", "fullRoster"]
    assert stored() == before


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": str(10**20)}, "page"),  # an offset the database can't take: a 500
        ({"page": str(2**62), "page_size": "500"}, "page"),
        ({"page_size": "1000"}, "page_size"),  # was cut to 500 without a word
        ({"cycle": str(10**20)}, "cycle"),  # a 500 on SQLite
    ],
)
def test_page_and_filter_numbers_out_of_range_are_422(people, send, params, field):
    from urllib.parse import urlencode

    answer = send("GET", f"/results?{urlencode(params)}")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", field]


def test_asking_for_pages_larger_than_the_largest_is_refused_not_cut(people, send, make_staff):
    """A caller that asks for pages of 1,000 and steps page by page would, with pages cut to
    500, get rows 1 to 500, then 501 to 1,000 as its 'page 2', and skip rows without knowing."""
    cycle = factories.make_cycle("2026年第三季度", state="finalised")
    factories.assessment_result(cycle, people["learner"])
    assert send("GET", "/results?page_size=500").json()["count"] == 1
    assert send("GET", "/results?page_size=501").status_code == 422


def test_an_employee_number_is_read_as_the_imports_read_it(people, send):
    cycle = factories.make_cycle("2026年第三季度", state="finalised")
    factories.assessment_result(cycle, people["learner"])
    full_width = "/results?employee_number=%EF%BC%AC001"  # a full-width L, then 001
    [found] = send("GET", full_width).json()["items"]
    assert found["employee_number"] == "L001"
    # a NUL (PostgreSQL refuses it in a query: a 500) or text no number can be: nobody
    for odd in ("L0%0001", "L" * 40):
        answer = send("GET", f"/results?employee_number={odd}")
        assert answer.status_code == 200 and answer.json()["count"] == 0


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/roster", "POST"),
        ("PUT", "/roster", "POST"),
        ("DELETE", "/metrics/surveys", "POST"),
        ("PATCH", "/roster", "POST"),
        ("OPTIONS", "/roster", "POST"),
        ("POST", "/results", "GET"),
        ("DELETE", "/certificates", "GET"),
    ],
)
def test_a_method_an_endpoint_doesnt_offer_is_405_json(people, send, method, path, allowed):
    before = stored()
    answer = send(method, path, json.dumps({"rows": [ROW]}), HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 405 and answer["Allow"] == allowed
    assert answer.json()["detail"] == (
        f"{method} isn't offered here; this endpoint takes {allowed}."
    )
    assert stored() == before


@pytest.mark.parametrize("path", ["/nothing", "/roster/", "/metrics/survey", "/"])
def test_a_path_that_isnt_an_endpoint_is_404_json(people, send, path):
    answer = send("POST", path, json.dumps({"rows": [ROW]}))
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("application/json")
    assert "/api/v1/docs" in answer.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_the_schema_and_the_documentation_page_still_load(people, client):
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200
