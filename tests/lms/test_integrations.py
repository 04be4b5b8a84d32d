"""Administrators' pages for integration tokens: list, create (the secret shown once), renew,
revoke; in both languages; audited."""

import re

import pytest

from lms.models import AuditEvent, IntegrationToken
from tests.factories import in_english

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.LMS_ENFORCE_MFA = False  # the second factor has its own tests


def _token_text(page) -> str:
    found = re.search(rb'value="(lms_[0-9a-f]+_[A-Za-z0-9_-]+)"', page.content)
    assert found, page.content.decode()[:2000]
    return found.group(1).decode()


def test_an_administrator_creates_a_token_and_sees_its_secret_once(people, login, client):
    admin = login(people["admin"])
    page = admin.post(
        "/integrations/tokens/new/",
        {"name": "HR system", "scopes": ["roster:write", "results:read"]},
    )
    assert page.status_code == 200
    text = _token_text(page)
    assert "no-store" in page["Cache-Control"]
    token = IntegrationToken.objects.get()
    assert token.scopes == ["roster:write", "results:read"]
    assert token.created_by == people["admin"].user
    listing = admin.get("/integrations/tokens/")
    assert b"HR system" in listing.content and text.encode() not in listing.content
    assert f"lms_{token.prefix}_".encode() in listing.content
    api = client.get("/api/v1/results", HTTP_AUTHORIZATION=f"Bearer {text}")
    assert api.status_code == 200
    event = AuditEvent.objects.get(action="token.created")
    assert event.actor == people["admin"].user and text not in str(event.details)


def test_a_token_needs_a_name_and_a_scope(people, login):
    admin = login(people["admin"])
    page = admin.post("/integrations/tokens/new/", {"name": "HR system"})
    assert page.status_code == 200 and not IntegrationToken.objects.exists()
    admin.post("/integrations/tokens/new/", {"name": "HR", "scopes": ["results:read"]})
    page = admin.post("/integrations/tokens/new/", {"name": "HR", "scopes": ["results:read"]})
    assert IntegrationToken.objects.count() == 1
    assert "errors" in page.content.decode()


def test_renewing_shows_a_new_secret_and_revoking_stops_the_token(people, login, client):
    admin = login(people["admin"])
    first = _token_text(
        admin.post("/integrations/tokens/new/", {"name": "HR", "scopes": ["results:read"]})
    )
    token = IntegrationToken.objects.get()
    second = _token_text(admin.post(f"/integrations/tokens/{token.pk}/rotate/"))
    assert second != first
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {first}"}
    assert client.get("/api/v1/results", **bearer).status_code == 401
    page = admin.post(f"/integrations/tokens/{token.pk}/revoke/", follow=True)
    assert page.status_code == 200
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {second}"}
    assert client.get("/api/v1/results", **bearer).status_code == 401
    # a revoked token can't be renewed
    admin.post(f"/integrations/tokens/{token.pk}/rotate/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/results", **bearer).status_code == 401


@pytest.mark.parametrize("who", ["hr", "trainer", "learner"])
def test_only_administrators_reach_the_tokens(people, login, who):
    someone = login(people[who])
    assert someone.get("/integrations/tokens/").status_code == 403
    page = someone.post("/integrations/tokens/new/", {"name": "X", "scopes": ["results:read"]})
    assert page.status_code == 403 and not IntegrationToken.objects.exists()


def test_the_pages_in_english_and_chinese(people, login):
    admin = login(people["admin"])
    admin.post("/integrations/tokens/new/", {"name": "HR", "scopes": ["results:read"]})
    chinese = admin.get("/integrations/tokens/").content.decode()
    assert "集成令牌" in chinese and "读取已定稿考核周期的结果" in chinese
    english = in_english(admin).get("/integrations/tokens/").content.decode()
    assert "Integration tokens" in english and "Read the results of finalised cycles" in english
