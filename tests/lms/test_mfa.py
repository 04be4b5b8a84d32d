"""Two-factor authentication: available to all, required for HR and Administrators."""

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)

from lms.models.audit import AuditAction, AuditEvent
from tests.factories import PASSWORD

ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "must_set_up"),
    [("learner", False), ("trainer", False), ("hr", True), ("admin", True)],
)
@pytest.mark.parametrize("path", ["/", "/account/", "/cms/"])
def test_mfa_is_required_for_hr_and_administrators(
    settings, people, login, role, must_set_up, path
):
    settings.LMS_ENFORCE_MFA = True
    response = login(people[role]).get(path)
    if must_set_up:
        assert response.status_code == 302
        assert response.url == ACTIVATE
    else:  # a learner at /cms/ is told the admin is not theirs (403), no set-up asked
        assert response.status_code in (200, 302, 403)
        assert getattr(response, "url", "") != ACTIVATE


@pytest.mark.django_db
def test_mfa_not_required_when_enforcement_is_off(settings, people, login):
    settings.LMS_ENFORCE_MFA = False
    assert login(people["hr"]).get("/").status_code == 200


@pytest.mark.django_db
def test_hr_with_totp_gets_in(settings, people, login):
    settings.LMS_ENFORCE_MFA = True
    TOTP.activate(people["hr"].user, generate_totp_secret())
    assert login(people["hr"]).get("/").status_code == 200


@pytest.mark.django_db
def test_setting_up_totp_is_audited_and_then_asked_at_sign_in(
    settings, client, people, django_capture_on_commit_callbacks
):
    settings.LMS_ENFORCE_MFA = True
    hr = people["hr"]
    response = client.post(
        "/accounts/login/", {"login": "HR01", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get("/").url == ACTIVATE
    # allauth asks for the password again before a second factor is added.
    page = client.get(ACTIVATE)
    assert page.url.startswith("/accounts/reauthenticate/")
    response = client.post(page.url, {"password": "correct-horse-battery"})
    assert response.status_code == 302
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    counter = next(yield_hotp_counters_from_time())
    code = format_hotp_value(hotp_value(secret, counter))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ACTIVATE, {"code": code})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.MFA_ADDED, actor=hr.user).exists()
    assert client.get("/").status_code == 200

    # Next time, the password alone is not enough.
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "HR01", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/authenticate/")
    assert client.get("/account/").status_code == 302


def _signed_in_browser(number):
    from django.test import Client

    browser = Client()
    response = browser.post("/accounts/login/", {"login": number, "password": PASSWORD})
    assert response.status_code == 302
    return browser


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "path", "action"),
    [
        ("remove TOTP", "/accounts/2fa/totp/deactivate/", AuditAction.MFA_REMOVED),
        (
            "new recovery codes",
            "/accounts/2fa/recovery-codes/generate/",
            AuditAction.MFA_RECOVERY_CODES_RESET,
        ),
    ],
)
@pytest.mark.parametrize("engine", ["db", "cached_db"])  # cached_db: production, with Redis
def test_changing_the_second_factor_signs_out_the_other_sessions(
    settings, people, django_capture_on_commit_callbacks, change, path, action, engine
):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    settings.LMS_ENFORCE_MFA = False
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{engine}"
    learner = people["learner"].user
    here, there = _signed_in_browser("L001"), _signed_in_browser("L001")
    colleague = _signed_in_browser("L002")
    TOTP.activate(learner, generate_totp_secret())
    RecoveryCodes.activate(learner)
    assert there.get("/account/").status_code == 200

    # allauth asks for the password again, then carries the change out.
    response = here.post(path)
    assert response.url.startswith("/accounts/reauthenticate/")
    with django_capture_on_commit_callbacks(execute=True):
        response = here.post(response.url, {"password": PASSWORD}, follow=True)
    assert response.status_code == 200, change
    assert AuditEvent.objects.filter(action=action, actor=learner).exists()

    # The browser that made the change stays signed in; the other one is signed out.
    assert here.get("/account/").status_code == 200
    response = there.get("/account/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    # Nobody else's session is touched.
    assert colleague.get("/account/").status_code == 200
