"""The second factor after signing in with the company's identity: HR and administrators still
give the site's code (or must set one up), unless LMS_SSO_MFA_DELEGATED trusts the provider's,
and then not when the provider's own ID token says (`amr`) that no second factor was used."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value
from django.contrib.auth import SESSION_KEY

from tests.factories import PASSWORD
from tests.lms.sso.open_platforms import FEISHU_USER, sign_in
from tests.lms.sso.test_oidc import CLIENT_ID, set_claims
from tests.lms.sso.test_oidc import sign_in as oidc_sign_in

AUTHENTICATE = "/accounts/2fa/authenticate/"
ACTIVATE = "/accounts/2fa/totp/activate/"


def as_hr(feishu):
    data = {**FEISHU_USER["data"], "employee_no": "HR01"}
    feishu.answers["/open-apis/authen/v1/user_info"] = {**FEISHU_USER, "data": data}


@pytest.fixture(autouse=True)
def _enforced(settings):
    settings.LMS_ENFORCE_MFA = True


@pytest.mark.django_db
def test_hr_with_an_authenticator_gives_its_code_after_sso(client, feishu, people):
    as_hr(feishu)
    secret = generate_totp_secret()
    TOTP.activate(people["hr"].user, secret)

    response = sign_in(client, "feishu", feishu)

    assert response["Location"] == AUTHENTICATE
    assert SESSION_KEY not in client.session  # not signed in before the code
    code = f"{hotp_value(secret, int(time.time()) // 30):06d}"
    done = client.post(AUTHENTICATE, {"code": code})
    assert done.status_code == 302
    assert client.session[SESSION_KEY] == str(people["hr"].user.pk)


@pytest.mark.django_db
def test_hr_without_an_authenticator_must_set_one_up_after_sso(client, feishu, people):
    as_hr(feishu)
    response = sign_in(client, "feishu", feishu)
    assert client.session[SESSION_KEY] == str(people["hr"].user.pk)
    assert client.get(response["Location"])["Location"] == ACTIVATE


@pytest.mark.django_db
def test_delegated_mfa_trusts_the_provider(settings, client, feishu, people):
    settings.LMS_SSO_MFA_DELEGATED = True
    as_hr(feishu)
    TOTP.activate(people["hr"].user, generate_totp_secret())

    response = sign_in(client, "feishu", feishu)

    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(people["hr"].user.pk)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_delegation_covers_sso_only_a_password_sign_in_still_asks(settings, client, people):
    settings.LMS_SSO_MFA_DELEGATED = True
    TOTP.activate(people["hr"].user, generate_totp_secret())
    response = client.post("/accounts/login/", {"login": "HR01", "password": PASSWORD})
    assert response["Location"] == AUTHENTICATE


@pytest.fixture
def delegated_oidc(settings, configure_sso):
    import oidc_provider_mock

    settings.LMS_SSO_MFA_DELEGATED = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    with oidc_provider_mock.run_server_in_thread() as server:
        url = f"http://localhost:{server.server_port}"
        configure_sso(
            LMS_OIDC_ISSUER=url, LMS_OIDC_CLIENT_ID=CLIENT_ID, LMS_OIDC_CLIENT_SECRET="s3cret"
        )
        yield url


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("amr", "asked"), [(["pwd"], True), (["pwd", "mfa"], False), (["otp"], False)]
)
def test_delegation_follows_the_providers_amr(live_server, delegated_oidc, people, amr, asked):
    TOTP.activate(people["hr"].user, generate_totp_secret())
    set_claims(delegated_oidc, "hr-sub", employee_number="HR01", amr=amr)

    response = oidc_sign_in(live_server, delegated_oidc, "hr-sub")

    assert response.url.endswith(AUTHENTICATE) is asked
