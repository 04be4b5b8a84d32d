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
    else:
        assert response.status_code in (200, 302)
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
