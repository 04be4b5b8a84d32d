"""Who may call the API, how often, and what it reads: tokens (hashed, renewed, revoked),
scopes, the rate limit, finalised results and certificates page by page."""

import hashlib

import pytest
from django.utils import timezone

from lms.integrations.services import token_create, token_revoke, token_rotate
from lms.models import AuditEvent, IntegrationToken, TokenScope
from tests import factories
from tests.factories import survey

pytestmark = pytest.mark.django_db

# Every endpoint, a call that it answers with its scope, and the scope it needs.
ENDPOINTS = [
    ("post", "/roster", {"rows": [{"employee number": "L001"}]}, TokenScope.ROSTER_WRITE),
    ("post", "/metrics/surveys", {"rows": []}, TokenScope.METRICS_WRITE),
    ("post", "/metrics/complaints", {"rows": []}, TokenScope.METRICS_WRITE),
    ("post", "/metrics/efficiency", {"rows": []}, TokenScope.METRICS_WRITE),
    ("post", "/metrics/teamwork", {"rows": []}, TokenScope.METRICS_WRITE),
    ("get", "/cycles", None, TokenScope.RESULTS_READ),
    ("get", "/results", None, TokenScope.RESULTS_READ),
    ("get", "/certificates", None, TokenScope.CERTIFICATES_READ),
]


def call(api, method, path, payload, token):
    if method == "post":
        return api.post(path, payload, token=token)
    return api.get(path, token=token)


@pytest.mark.parametrize(("method", "path", "payload", "scope"), ENDPOINTS)
def test_each_endpoint_needs_a_valid_token_with_its_scope(
    people, api, make_token, method, path, payload, scope
):
    others = [s for s in TokenScope.values if s != scope]
    assert call(api, method, path, payload, None).status_code == 401
    assert call(api, method, path, payload, "lms_nothing_here").status_code == 401
    assert call(api, method, path, payload, make_token(others)).status_code == 403
    assert call(api, method, path, payload, make_token([scope])).status_code in (200, 422)


def test_a_token_is_kept_as_a_prefix_and_a_hash_of_its_secret(people):
    issued = token_create(name="HR", scopes=["results:read"], by=people["admin"].user)
    _start, prefix, secret = issued.plaintext.split("_", 2)
    stored = IntegrationToken.objects.get()
    assert stored.prefix == prefix
    assert stored.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(IntegrationToken.objects.values()))
    assert len(secret) >= 40  # 32 random bytes


def test_a_wrong_secret_with_a_known_prefix_is_refused_and_audited(people, api, make_token):
    token = make_token()
    wrong = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    answer = api.get("/results", token=wrong)
    assert answer.status_code == 401 and answer["WWW-Authenticate"] == "Bearer"
    event = AuditEvent.objects.get(action="api.called")
    assert event.details["status"] == 401


def test_renewing_a_token_stops_the_old_secret_and_revoking_stops_it_for_good(people, api):
    admin = people["admin"].user
    issued = token_create(name="HR", scopes=["results:read"], by=admin)
    assert api.get("/results", token=issued.plaintext).status_code == 200
    renewed = token_rotate(token=issued.token, by=admin)
    assert api.get("/results", token=issued.plaintext).status_code == 401
    assert api.get("/results", token=renewed.plaintext).status_code == 200
    token_revoke(token=issued.token, by=admin)
    assert api.get("/results", token=renewed.plaintext).status_code == 401
    actions = list(
        AuditEvent.objects.filter(action__startswith="token.").values_list("action", flat=True)
    )
    assert sorted(actions) == ["token.created", "token.revoked", "token.rotated"]
    token = IntegrationToken.objects.get()
    assert token.revoked_by == admin and token.last_used_at is not None


def test_only_an_administrator_makes_renews_and_revokes_tokens(people):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        token_create(name="HR", scopes=["results:read"], by=people["hr"].user)
    issued = token_create(name="HR", scopes=["results:read"], by=people["admin"].user)
    with pytest.raises(PermissionDenied):
        token_rotate(token=issued.token, by=people["hr"].user)
    with pytest.raises(PermissionDenied):
        token_revoke(token=issued.token, by=people["hr"].user)


def test_calls_beyond_the_limit_get_429_and_retry_after(
    people, api, make_token, settings, monkeypatch
):
    settings.LMS_API_PER_MINUTE = 2
    now = [1_800_000_015.0]  # 15 s into a minute
    monkeypatch.setattr("assessments.api.auth.clock", lambda: now[0])
    token, other = make_token(), make_token()
    assert [api.get("/results", token=token).status_code for _ in range(2)] == [200, 200]
    refused = api.get("/results", token=token)
    assert refused.status_code == 429 and refused["Retry-After"] == "45"
    assert api.get("/results", token=other).status_code == 200  # per token
    assert AuditEvent.objects.filter(action="api.called", details__status=429).exists()
    now[0] += 45  # the next minute
    assert api.get("/results", token=token).status_code == 200


# Reading ------------------------------------------------------------------------------------


@pytest.fixture
def cycles(people):
    final = factories.make_cycle("2026年第三季度", state="finalised", finalised_at=timezone.now())
    draft = factories.make_cycle("2026年第四季度", state="computed")
    for key in ("learner", "colleague", "xihu", "south"):
        factories.assessment_result(final, people[key])
        factories.assessment_result(draft, people[key])
    return final, draft


def test_results_are_those_of_finalised_cycles_only(people, api, make_token, cycles):
    final, draft = cycles
    token = make_token(["results:read"])
    answer = api.get("/results", token=token).json()
    assert answer["count"] == 4
    assert {item["cycle"] for item in answer["items"]} == {final.pk}
    assert api.get("/results", {"cycle": draft.pk}, token=token).json()["count"] == 0
    [mine] = api.get("/results", {"employee_number": "L001"}, token=token).json()["items"]
    assert mine["employee_number"] == "L001" and mine["full_name"] == "王喆"
    assert (mine["overall"], mine["satisfaction"], mine["grade"]) == (85.5, 91.2, "good")
    assert [c["id"] for c in api.get("/cycles", token=token).json()["items"]] == [final.pk]


def test_results_come_page_by_page_in_a_bounded_number_of_queries(
    people, api, make_token, cycles, django_assert_max_num_queries, make_staff
):
    final, _draft = cycles
    for n in range(20):
        factories.assessment_result(final, make_staff(number=f"P{n:03d}"))
    token = make_token(["results:read"])
    api.get("/results", token=token)  # the token's first use
    with django_assert_max_num_queries(8):
        page = api.get("/results", {"page": 2, "page_size": 10}, token=token).json()
    assert page["count"] == 24 and len(page["items"]) == 10
    seen = set()
    for number in (1, 2, 3):
        items = api.get("/results", {"page": number, "page_size": 10}, token=token).json()
        seen |= {item["employee_number"] for item in items["items"]}
    assert len(seen) == 24  # no overlap, nothing missing
    event = AuditEvent.objects.filter(action="api.called").first()
    assert (event.details["count"], event.details["returned"]) == (24, 4)


def test_certificates_with_serial_verify_url_holder_and_dates(
    people, api, make_token, cycles, django_assert_max_num_queries
):
    final, _draft = cycles
    user = people["learner"].user
    expires = factories.TODAY.replace(year=factories.TODAY.year + 1)
    certificate = factories.make_certificate(user, cycle=final, expires_on=expires)
    for key in ("colleague", "xihu", "south"):
        factories.make_certificate(people[key].user, cycle=final, revoked=key == "south")
    token = make_token(["certificates:read"])
    api.get("/certificates", token=token)
    with django_assert_max_num_queries(8):
        answer = api.get("/certificates", token=token).json()
    assert answer["count"] == 4
    [mine] = api.get("/certificates", {"employee_number": "L001"}, token=token).json()["items"]
    assert mine["serial"] == certificate.serial
    assert mine["verify_url"] == f"http://testserver/verify/{certificate.code}/"
    assert mine["employee_number"] == "L001" and mine["cycle"] == final.pk
    assert mine["issued_on"] == timezone.localdate(certificate.issued_at).isoformat()
    assert mine["expires_on"] == expires.isoformat() and mine["status"] == "valid"
    statuses = {item["employee_number"]: item["status"] for item in answer["items"]}
    assert statuses["L004"] == "revoked"


def test_the_schema_and_its_documentation_page(people, api):
    schema = api.get("/openapi.json").json()
    assert {"/api/v1/roster", "/api/v1/results", "/api/v1/certificates"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
    assert schema["paths"]["/api/v1/roster"]["post"]["security"] == [{"TokenAuth": []}]
    page = api.get("/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn." not in html and "/static/ninja/swagger-ui-bundle.js" in html
    assert "<script>" not in html  # nothing inline: the site's policy allows none
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_problem_messages_follow_accept_language(people, api, make_token):
    keyed = [{key.replace("_", " "): value for key, value in survey("S-1", "NOBODY").items()}]
    english = api.post("/metrics/surveys", {"rows": keyed}, token=make_token(), language="en")
    chinese = api.post("/metrics/surveys", {"rows": keyed}, token=make_token(), language="zh-CN")
    assert english["Content-Language"] == "en"
    assert "Line 2" in english.json()["problems"][0]["message"]
    assert "第 2 行" in chinese.json()["problems"][0]["message"]


def test_the_limit_still_holds_with_redis_unreachable(
    people, api, make_token, settings, monkeypatch
):
    """Counted in the process's memory meanwhile (lms.platform.cache), as the sign-in and
    verification limits are: neither switched off nor refusing everyone."""
    from tests.faults.site_requests import use_redis

    use_redis(settings, "redis://127.0.0.1:1/0")  # nothing listens: refused at once
    settings.LMS_API_PER_MINUTE = 2
    monkeypatch.setattr("assessments.api.auth.clock", lambda: 1_900_000_015.0)
    token = make_token()
    statuses = [api.get("/results", token=token).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
