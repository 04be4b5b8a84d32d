# ruff: noqa: RUF001
"""LMS_SSO_ONLY: staff sign in with the company's identity only; administrators keep a password
(and its reset) for when the provider is down. The sign-in page shows the company's buttons
and a small link for administrators."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail

from lms.models.audit import AuditAction, AuditEvent
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


@pytest.fixture
def sso_only(settings, configure_sso):
    configure_sso(LMS_FEISHU_APP_ID="cli_a1b2c3", LMS_FEISHU_APP_SECRET="fs-secret")
    settings.LMS_SSO_ONLY = True
    settings.LMS_ENFORCE_MFA = False


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.django_db
def test_the_page_shows_the_company_buttons_and_the_administrators_link(client, sso_only):
    page = text(client.get(LOGIN))
    assert "使用飞书登录" in page
    assert 'name="password"' not in page
    assert "管理员：使用密码登录" in page
    admin_form = text(client.get(LOGIN + "?password=1"))
    assert 'name="password"' in admin_form and "使用飞书登录" in admin_form


@pytest.mark.django_db
def test_staff_cannot_sign_in_with_a_password(client, sso_only, people):
    response = client.post(LOGIN + "?password=1", {"login": "L001", "password": PASSWORD})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "请使用公司账户登录" in text(response)
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (failed.actor_label, failed.details) == ("L001", {"reason": "sso_only"})


@pytest.mark.django_db
def test_hr_cannot_either_nor_a_name_that_is_nobody(client, sso_only, people):
    for login in ("HR01", "nobody"):
        client.post(LOGIN + "?password=1", {"login": login, "password": PASSWORD})
        assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_an_administrator_still_signs_in_with_a_password(client, sso_only, people):
    response = client.post(LOGIN + "?password=1", {"login": "AD01", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(people["admin"].user.pk)


@pytest.mark.django_db
def test_only_administrators_get_a_password_reset_link(client, sso_only, make_staff, people):
    from lms.roles import Role

    make_staff(number="E5001", email="staff@example.com")
    make_staff(number="A5001", email="admin@example.com", roles=[Role.ADMINISTRATOR])
    for email in ("staff@example.com", "admin@example.com"):
        assert client.post("/accounts/password/reset/", {"email": email}).status_code == 302
    # Staff are told to sign in with the company account (tests/lms/sso/test_invites.py).
    links = [m.to for m in mail.outbox if "/accounts/password/reset/key/" in m.body]
    assert links == [["admin@example.com"]]


@pytest.mark.django_db
def test_without_sso_only_passwords_work_for_everyone(client, configure_sso, people):
    configure_sso(LMS_FEISHU_APP_ID="cli_a1b2c3", LMS_FEISHU_APP_SECRET="fs-secret")
    page = text(client.get(LOGIN))
    assert "使用飞书登录" in page and 'name="password"' in page
    client.post(LOGIN, {"login": "L001", "password": PASSWORD})
    assert client.session[SESSION_KEY] == str(people["learner"].user.pk)


@pytest.mark.django_db
def test_the_page_without_any_provider_is_the_password_form_alone(client, configure_sso):
    configure_sso()
    page = text(client.get(LOGIN))
    assert 'name="password"' in page and "sso-providers" not in page


@pytest.mark.django_db
def test_confirming_access_offers_signing_in_again_with_the_company_account(
    client, sso_only, people
):
    client.force_login(people["learner"].user)
    page = client.get("/accounts/reauthenticate/?next=/accounts/2fa/", follow=True)
    action = (
        'action="/accounts/feishu/login/?process=reauthenticate&amp;next=%2Faccounts%2F2fa%2F"'
    )
    assert action in text(page)
    assert "使用飞书确认" in text(page)


@pytest.mark.django_db
@pytest.mark.parametrize("has_password", [True, False])
def test_staff_signed_in_cannot_change_or_set_a_password(client, sso_only, people, has_password):
    """A staff member's session posting to the password pages directly: refused, said so,
    the current password not even checked; nothing saved, nothing in the audit log."""
    user = people["learner"].user
    if not has_password:
        user.set_unusable_password()
        user.save()
    before = user.password
    client.force_login(user)
    new = "N3w-courier-pass!"
    # allauth sends whoever has a password from "set" to "change" and back: both are tried.
    refused = 0
    for url, data in (
        ("/accounts/password/change/", {"oldpassword": PASSWORD}),
        ("/accounts/password/change/", {"oldpassword": "wrong-one"}),
        ("/accounts/password/set/", {}),
    ):
        response = client.post(url, {**data, "password1": new, "password2": new})
        assert response.status_code in (200, 302)
        if response.status_code == 200:  # the page this person has: says why, checks nothing
            assert "密码仅供管理员使用" in text(response), url
            assert "当前密码不正确" not in text(response)
            refused += 1
        else:
            assert response["Location"] != url
    assert refused >= 1
    user.refresh_from_db()
    assert user.password == before
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED).exists()
    # Straight to the sign-in form, without asking for it: refused as well.
    client.logout()
    client.post(LOGIN, {"login": "L001", "password": PASSWORD})
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_an_administrator_still_changes_their_password(client, sso_only, people):
    user = people["admin"].user
    client.force_login(user)
    new = "N3w-admin-pass-42!"
    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    user.refresh_from_db()
    assert user.check_password(new)
