"""OpenID Connect end to end, against a real OpenID provider started by the test
(oidc-provider-mock, a Flask app on loopback): the site on pytest-django's live server, a
`requests` session as the browser, following the redirects between the two."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import oidc_provider_mock
import pytest
import requests

from lms.models.audit import AuditAction, AuditEvent

CLIENT_ID = "courier-lms"


@pytest.fixture
def provider():
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def expiring_provider():
    """A provider whose tokens are already expired when issued (their lifetime negative)."""
    with oidc_provider_mock.run_server_in_thread(
        access_token_max_age=timedelta(minutes=-5)
    ) as server:
        yield f"http://localhost:{server.server_port}"


def set_claims(provider: str, sub: str, **claims) -> None:
    response = requests.put(f"{provider}/users/{quote(sub)}", json=claims, timeout=10)
    assert response.status_code == 204


def sign_in(live_server, provider: str, sub: str, *, next_path: str = "") -> requests.Response:
    """Open the sign-in page, press the company button, confirm as `sub` at the provider, and
    follow every redirect back to the site."""
    browser = requests.Session()
    page = browser.get(f"{live_server.url}/accounts/login/{next_path}", timeout=10)
    assert page.status_code == 200
    action = re.search(r'<form method="post" action="(/accounts/oidc/[^"]+)"', page.text)
    assert action, "the sign-in page has no company button"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    to_provider = browser.post(
        live_server.url + action.group(1).replace("&amp;", "&"),
        data={"csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=10,
    )
    assert to_provider.status_code == 302
    assert to_provider.headers["Location"].startswith(provider)
    # The provider's authorize form, submitted as the person `sub`; it redirects back to the
    # site's callback, which exchanges the code with the provider and signs the person in.
    response = browser.post(to_provider.headers["Location"], data={"sub": sub}, timeout=30)
    response.browser = browser
    return response


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # The live server speaks plain HTTP: its cookies must not be marked Secure.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.LMS_ENFORCE_MFA = False


@pytest.fixture
def oidc(configure_sso, provider):
    configure_sso(
        LMS_OIDC_ISSUER=provider,
        LMS_OIDC_CLIENT_ID=CLIENT_ID,
        LMS_OIDC_CLIENT_SECRET="s3cret",
        LMS_OIDC_NAME="顺达统一身份",
    )
    return provider


@pytest.mark.django_db(transaction=True)
def test_staff_member_signs_in_matched_by_employee_number_and_lands_home(
    settings, live_server, oidc, people
):
    set_claims(oidc, "alice-sub", employee_number="L001", name="王喆")

    response = sign_in(live_server, oidc, "alice-sub")

    assert response.status_code == 200
    assert response.url == f"{live_server.url}/"
    assert "王喆" in response.text  # the learner's home, signed in
    learner = people["learner"].user
    assert learner.socialaccount_set.get().uid == "alice-sub"
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=learner).exists()
    # The second time the link made the first time is used, and still checked against HR's record.
    again = sign_in(live_server, oidc, "alice-sub")
    assert again.url == f"{live_server.url}/"
    assert learner.socialaccount_set.count() == 1
