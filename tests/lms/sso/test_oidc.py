"""OpenID Connect end to end, against a real OpenID provider started by the test
(oidc-provider-mock, a Flask app on loopback): the site on pytest-django's live server, a
`requests` session as the browser, following the redirects between the two."""

from __future__ import annotations

import contextlib
import io
import re
import threading
from datetime import timedelta
from urllib.parse import quote

import oidc_provider_mock
import pytest
import requests
from werkzeug.serving import make_server

from lms.models import User
from lms.models.audit import AuditAction, AuditEvent

CLIENT_ID = "courier-lms"


@pytest.fixture
def provider():
    with oidc_provider_mock.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@contextlib.contextmanager
def serve(app):
    """A WSGI app on a loopback port, in a thread, for the test's duration."""
    server = make_server("localhost", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def expiring_provider():
    """A provider whose tokens are already expired when issued (their lifetime negative)."""
    with serve(oidc_provider_mock.app(access_token_max_age=timedelta(minutes=-5))) as url:
        yield url


def issuing_for(other_client: str, app):
    """The provider, but issuing its codes and tokens to `other_client` whichever client asks:
    the ID tokens that come back are addressed to another application (their `aud`)."""

    def shim(environ, start_response):
        mine, theirs = f"client_id={CLIENT_ID}", f"client_id={other_client}"
        environ["QUERY_STRING"] = environ.get("QUERY_STRING", "").replace(mine, theirs)
        if environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).replace(mine.encode(), theirs.encode())
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
        return app(environ, start_response)

    return shim


@pytest.fixture
def misaddressing_provider():
    with serve(issuing_for("another-app", oidc_provider_mock.app())) as url:
        yield url


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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unknown_employee_number_is_refused_and_nobody_is_created(live_server, oidc, people):
    set_claims(oidc, "stranger", employee_number="Z9999", name="陌生人")
    users_before = User.objects.count()

    response = sign_in(live_server, oidc, "stranger")

    assert response.status_code == 403
    assert "没有与此登录对应的员工账户" in response.text
    assert "Z9999" in response.text
    assert User.objects.count() == users_before
    assert not User.objects.filter(socialaccount__isnull=False).exists()
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor_label == "Z9999"
    assert failed.details["reason"] == "unknown"
    assert "_auth_user_id" not in response.browser.cookies.get_dict()  # no session signed in
    assert (
        response.browser.get(f"{live_server.url}/account/", allow_redirects=False).status_code
        == 302
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_leaver_cannot_sign_in_with_the_company_account(live_server, oidc, people):
    import datetime

    from lms import services

    services.staff_mark_left(profile=people["colleague"], on=datetime.date(2026, 1, 31))
    set_claims(oidc, "leaver", employee_number="L002")

    response = sign_in(live_server, oidc, "leaver")

    assert response.status_code == 403
    assert "此账户已关闭" in response.text
    assert AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED).details["reason"] == "left"
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_id_token_for_another_client_is_refused(
    live_server, configure_sso, misaddressing_provider, people
):
    configure_sso(
        LMS_OIDC_ISSUER=misaddressing_provider,
        LMS_OIDC_CLIENT_ID=CLIENT_ID,
        LMS_OIDC_CLIENT_SECRET="s3cret",
    )
    set_claims(misaddressing_provider, "alice-sub", employee_number="L001")

    response = sign_in(live_server, misaddressing_provider, "alice-sub")

    assert response.status_code == 401
    assert "使用公司账户登录失败" in response.text
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert "InvalidAudienceError" in failed.details["error"]
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()
    assert not people["learner"].user.socialaccount_set.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_expired_id_token_is_refused(live_server, configure_sso, expiring_provider, people):
    # The claims are read from the ID token alone (as with Azure AD): the expired token is what
    # is refused, not the userinfo call its expired access token would fail.
    configure_sso(
        LMS_OIDC_ISSUER=expiring_provider,
        LMS_OIDC_CLIENT_ID=CLIENT_ID,
        LMS_OIDC_CLIENT_SECRET="s3cret",
        LMS_OIDC_USERINFO="false",
    )
    set_claims(expiring_provider, "alice-sub", employee_number="L001")

    response = sign_in(live_server, expiring_provider, "alice-sub")

    assert response.status_code == 401
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert "ExpiredSignatureError" in failed.details["error"]
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_provider_with_fresh_tokens_and_claims_in_the_id_token_signs_in(
    live_server, configure_sso, provider, people
):
    """The counterpart of the expired case: only the tokens' lifetime differs."""
    configure_sso(
        LMS_OIDC_ISSUER=provider,
        LMS_OIDC_CLIENT_ID=CLIENT_ID,
        LMS_OIDC_CLIENT_SECRET="s3cret",
        LMS_OIDC_USERINFO="0",
    )
    set_claims(provider, "alice-sub", employee_number="L001")

    response = sign_in(live_server, provider, "alice-sub")

    assert response.url == f"{live_server.url}/"
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()
