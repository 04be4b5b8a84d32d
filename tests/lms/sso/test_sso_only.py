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
