"""Confirming access (allauth's reauthentication) with the company's identity, end to end
against a real OpenID provider (oidc-provider-mock on loopback), the site on the live server and
a `requests` session as the browser: the sensitive change is asked for, the person is sent to
the provider, comes back, and the change goes through; another employee's identity at the
provider confirms nothing. HR with an authenticator app confirm with its code as before."""

from __future__ import annotations

import re
import time
from html import unescape

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value

from lms.models.audit import AuditAction, AuditEvent
from tests.factories import PASSWORD
from tests.lms.sso.test_oidc import _plain_http, oidc, provider, set_claims, sign_in  # noqa: F401

ACTIVATE = "/accounts/2fa/totp/activate/"
DEACTIVATE = "/accounts/2fa/totp/deactivate/"
NEW_CODES = "/accounts/2fa/recovery-codes/generate/"
CONFIRM_BY_SSO = "/accounts/reauthenticate/company/"
CONFIRM_BY_CODE = "/accounts/2fa/reauthenticate/"


@pytest.fixture
def sso_only(settings, oidc):  # noqa: F811 (the fixture of test_oidc)
    settings.LMS_SSO_ONLY = True
    return oidc


def form_action(page, pattern: str) -> str:
    found = re.search(rf'<form method="post" action="({pattern}[^"]*)"', page.text)
    assert found, f"no form posting to {pattern} on {page.url}"
    return unescape(found.group(1))


def csrf(browser) -> str:
    return browser.cookies["csrftoken"]


def confirm_at_provider(live_server, issuer, browser, page, sub: str):
    """Press the company button of a "confirm access" page and confirm there as `sub`;
    the browser follows every redirect back to the site."""
    action = form_action(page, "/accounts/oidc/company/login/")
    assert "process=reauthenticate" in action
    to_provider = browser.post(
        live_server.url + action,
        data={"csrfmiddlewaretoken": csrf(browser)},
        allow_redirects=False,
        timeout=10,
    )
    assert to_provider.status_code == 302
    assert to_provider.headers["Location"].startswith(issuer)
    return browser.post(to_provider.headers["Location"], data={"sub": sub}, timeout=30)


def remove_authenticator(live_server, browser):
    """POST the removal of the authenticator app, a change that asks to confirm access."""
    return browser.post(
        live_server.url + DEACTIVATE,
        data={"csrfmiddlewaretoken": csrf(browser)},
        headers={"Referer": live_server.url + DEACTIVATE},
        allow_redirects=False,
        timeout=10,
    )


def totp_code(secret: str) -> str:
    return f"{hotp_value(secret, int(time.time()) // 30):06d}"


def signed_in(live_server, issuer, sub: str, number: str):
    set_claims(issuer, sub, employee_number=number)
    response = sign_in(live_server, issuer, sub)
    assert response.status_code == 200
    return response.browser


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_asked_for_by_post_goes_through_after_confirming_at_the_provider(
    live_server, sso_only, people
):
    """A learner without a password (LMS_SSO_ONLY) removes their authenticator app: the POST
    is kept while they confirm at the provider, and carried out when they come back."""
    browser = signed_in(live_server, sso_only, "alice-sub", "L001")
    learner = people["learner"].user
    TOTP.activate(learner, generate_totp_secret())

    asked = remove_authenticator(live_server, browser)
    # They have an authenticator: its code is the first way offered, the company account next.
    assert asked.status_code == 302
    assert asked.headers["Location"].startswith(CONFIRM_BY_CODE)
    by_code = browser.get(live_server.url + asked.headers["Location"], timeout=10)
    assert "输入您的密码" not in by_code.text  # no password under LMS_SSO_ONLY
    other_way = re.search(rf'href="({CONFIRM_BY_SSO}[^"]*)"', by_code.text)
    assert other_way, "the company account is not offered"
    page = browser.get(live_server.url + unescape(other_way.group(1)), timeout=10)
    assert "使用顺达统一身份确认" in page.text

    done = confirm_at_provider(live_server, sso_only, browser, page, "alice-sub")

    assert done.url == f"{live_server.url}/accounts/2fa/"
    assert not Authenticator.objects.filter(user=learner, type=Authenticator.Type.TOTP).exists()
    assert AuditEvent.objects.filter(action=AuditAction.MFA_REMOVED, actor=learner).exists()
    # Confirmed for a while, as with a password: the next change is not asked again.
    TOTP.activate(learner, generate_totp_secret())
    again = remove_authenticator(live_server, browser)
    assert (again.status_code, again.headers["Location"]) == (302, "/accounts/2fa/")
    assert not Authenticator.objects.filter(user=learner, type=Authenticator.Type.TOTP).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_another_employees_company_account_confirms_nothing(live_server, sso_only, people):
    browser = signed_in(live_server, sso_only, "alice-sub", "L001")
    set_claims(sso_only, "bob-sub", employee_number="L002")
    learner = people["learner"].user
    TOTP.activate(learner, generate_totp_secret())
    asked = remove_authenticator(live_server, browser)
    confirm_path = asked.headers["Location"].replace(CONFIRM_BY_CODE, CONFIRM_BY_SSO)
    page = browser.get(live_server.url + confirm_path, timeout=10)

    refused = confirm_at_provider(live_server, sso_only, browser, page, "bob-sub")

    assert refused.status_code == 403
    assert "不是您的公司账户" in refused.text
    assert Authenticator.objects.filter(user=learner, type=Authenticator.Type.TOTP).exists()
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor == learner
    assert failed.details["reason"] == "reauthenticate_other"
    assert failed.details["identity"] == "L002"
    # Still signed in as themselves, still unconfirmed; the other person's account untouched.
    assert "王喆" in browser.get(f"{live_server.url}/account/", timeout=10).text
    still = remove_authenticator(live_server, browser)
    assert still.headers["Location"].startswith(CONFIRM_BY_CODE)
    assert not people["colleague"].user.socialaccount_set.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_hr_without_a_password_sets_up_their_authenticator_after_confirming_at_the_provider(
    settings, live_server, sso_only, people
):
    """HR must set up a second factor (LMS_ENFORCE_MFA), and allauth asks to confirm access
    first: with no password nor authenticator yet, the company account is the way."""
    settings.LMS_ENFORCE_MFA = True
    browser = signed_in(live_server, sso_only, "hr-sub", "HR01")
    home = browser.get(f"{live_server.url}/", allow_redirects=False, timeout=10)
    assert home.headers["Location"] == ACTIVATE
    asked = browser.get(live_server.url + ACTIVATE, allow_redirects=False, timeout=10)
    assert asked.headers["Location"].startswith(CONFIRM_BY_SSO)
    page = browser.get(live_server.url + asked.headers["Location"], timeout=10)
    assert page.status_code == 200

    back = confirm_at_provider(live_server, sso_only, browser, page, "hr-sub")

    assert back.url == live_server.url + ACTIVATE
    assert 'name="code"' in back.text
    secret = browser.get(live_server.url + ACTIVATE, timeout=10)  # the secret is in the session
    assert secret.status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_hr_with_an_authenticator_confirm_with_its_code_after_signing_in_by_sso(
    settings, live_server, sso_only, people
):
    settings.LMS_ENFORCE_MFA = True
    hr = people["hr"].user
    secret = generate_totp_secret()
    TOTP.activate(hr, secret)
    recovery = RecoveryCodes.activate(hr).get_unused_codes()
    set_claims(sso_only, "hr-sub", employee_number="HR01")
    second_factor = sign_in(live_server, sso_only, "hr-sub")
    browser = second_factor.browser
    assert second_factor.url.endswith("/accounts/2fa/authenticate/")
    # Signed in with a recovery code, so that the authenticator's current code is still unused.
    signed = browser.post(
        second_factor.url,
        data={"csrfmiddlewaretoken": csrf(browser), "code": recovery[0]},
        headers={"Referer": second_factor.url},
        timeout=10,
    )
    assert signed.url == f"{live_server.url}/"

    asked = browser.post(
        live_server.url + NEW_CODES,
        data={"csrfmiddlewaretoken": csrf(browser)},
        headers={"Referer": live_server.url + NEW_CODES},
        allow_redirects=False,
        timeout=10,
    )
    assert asked.headers["Location"].startswith(CONFIRM_BY_CODE)
    page = browser.get(live_server.url + asked.headers["Location"], timeout=10)
    assert CONFIRM_BY_SSO in page.text  # the company account is offered too
    done = browser.post(
        page.url,
        data={"csrfmiddlewaretoken": csrf(browser), "code": totp_code(secret)},
        headers={"Referer": page.url},
        timeout=10,
    )

    assert done.status_code == 200
    reset = AuditEvent.objects.filter(action=AuditAction.MFA_RECOVERY_CODES_RESET, actor=hr)
    assert reset.exists()
    assert (
        recovery[1]
        not in RecoveryCodes(
            Authenticator.objects.get(user=hr, type=Authenticator.Type.RECOVERY_CODES)
        ).get_unused_codes()
    )


@pytest.mark.django_db
def test_under_sso_only_a_password_confirms_nothing_for_staff(client, sso_only, people):
    client.force_login(people["learner"].user)
    to_sso = client.get("/accounts/reauthenticate/?next=/accounts/2fa/")
    assert to_sso["Location"] == f"{CONFIRM_BY_SSO}?next=%2Faccounts%2F2fa%2F"
    refused = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert refused.status_code == 302 and refused["Location"].startswith(CONFIRM_BY_SSO)
    assert client.get(ACTIVATE)["Location"].startswith(CONFIRM_BY_SSO)


@pytest.mark.django_db
def test_administrators_keep_the_password_and_the_company_account_besides(
    client, sso_only, people
):
    client.force_login(people["admin"].user)
    page = client.get("/accounts/reauthenticate/?next=/accounts/2fa/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="password"' in text
    assert f'href="{CONFIRM_BY_SSO}?next=%2Faccounts%2F2fa%2F"' in text
    done = client.post("/accounts/reauthenticate/?next=/accounts/2fa/", {"password": PASSWORD})
    assert done["Location"] == "/accounts/2fa/"


@pytest.mark.django_db
def test_without_a_provider_the_page_is_not_there(client, configure_sso, people):
    configure_sso()
    client.force_login(people["learner"].user)
    assert client.get(CONFIRM_BY_SSO).status_code == 404
    page = client.get("/accounts/reauthenticate/").content.decode()
    assert CONFIRM_BY_SSO not in page
