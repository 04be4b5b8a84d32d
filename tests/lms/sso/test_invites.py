# ruff: noqa: RUF001
"""Set-password links under LMS_SSO_ONLY: staff sign in with the company account and are never
sent one (a password nothing accepts); HR's pages say how they sign in instead, the service
refuses a link asked for anyway, a reset asked for by e-mail answers with the company sign-in,
and a link sent before the switch sets nothing. Administrators keep their links."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from lms import services
from lms.models import User
from lms.models.audit import AuditAction, AuditEvent
from lms.roles import Role

pytestmark = pytest.mark.usefixtures("no_mfa_enforcement")

NO_LINK = "使用公司账户登录（飞书）"


@pytest.fixture
def sso_only(settings, configure_sso):
    configure_sso(LMS_FEISHU_APP_ID="cli_a1b2c3", LMS_FEISHU_APP_SECRET="fs-secret")
    settings.LMS_SSO_ONLY = True


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.django_db
def test_hr_is_told_the_person_signs_in_with_the_company_account_not_offered_a_link(
    sso_only, people, login
):
    page = text(login(people["hr"]).get("/staff/L001/"))
    assert "/staff/L001/invite/" not in page
    assert NO_LINK in page
    assert "标记为已离职" in page  # the rest of the account's actions stay


@pytest.mark.django_db
def test_a_link_asked_for_anyway_is_refused_and_nothing_changes(sso_only, people, login):
    learner = people["learner"].user
    learner.email = "wang@example.com"
    learner.save()
    password_before = User.objects.get(pk=learner.pk).password

    response = login(people["hr"]).post("/staff/L001/invite/", follow=True)

    assert response.status_code == 200
    page = text(response)
    assert "王喆使用公司账户登录（飞书）" in page
    assert "/accounts/password/reset/key/" not in page
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action=AuditAction.STAFF_INVITED).exists()
    assert User.objects.get(pk=learner.pk).password == password_before


@pytest.mark.django_db
def test_new_staff_get_no_link_and_hr_is_told_why(sso_only, people, org, login):
    response = login(people["hr"]).post(
        "/staff/new/",
        {
            "employee_number": "N0101",
            "full_name": "赵一鸣",
            "org_unit": org["pudong-team"].pk,
            "position": "courier",
            "hire_date": "2026-11-20",
            "email": "zhao@example.com",
        },
        follow=True,
    )
    assert User.objects.filter(username="N0101").exists()
    assert mail.outbox == []
    page = text(response)
    assert "账户已创建。赵一鸣使用公司账户登录（飞书）" in page
    assert not AuditEvent.objects.filter(action=AuditAction.STAFF_INVITED).exists()


@pytest.mark.django_db
def test_administrators_keep_their_links(sso_only, people, make_staff, login):
    other_admin = make_staff(
        "co", roles=[Role.ADMINISTRATOR], position="manager", number="AD02", email="a2@example.com"
    )
    page = text(login(people["admin"]).get("/staff/AD02/"))
    assert "/staff/AD02/invite/" in page and NO_LINK not in page
    login(people["admin"]).post("/staff/AD02/invite/")
    assert [message.to for message in mail.outbox] == [["a2@example.com"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    # Made by the system with the administrator's role, the first link goes out too.
    _profile, invitation = services.staff_add(
        by=None,
        employee_number="AD03",
        full_name="管理员三",
        org_unit=other_admin.org_unit,
        position="manager",
        hire_date=date(2026, 1, 5),
        email="a3@example.com",
        roles=[Role.ADMINISTRATOR],
    )
    assert invitation is not None and invitation.emailed


@pytest.mark.django_db
def test_without_sso_only_hr_sends_links_as_before(configure_sso, people, login):
    configure_sso(LMS_FEISHU_APP_ID="cli_a1b2c3", LMS_FEISHU_APP_SECRET="fs-secret")
    page = text(login(people["hr"]).get("/staff/L001/"))
    assert "/staff/L001/invite/" in page and NO_LINK not in page
    response = login(people["hr"]).post("/staff/L001/invite/", follow=True)
    assert "/accounts/password/reset/key/" in text(response)  # no e-mail: the link is shown


@pytest.mark.django_db
def test_a_reset_asked_for_by_staff_answers_with_the_company_sign_in(client, sso_only, make_staff):
    make_staff(number="E5001", email="staff@example.com")
    make_staff(number="A5001", email="admin@example.com", roles=[Role.ADMINISTRATOR])
    page = text(client.get("/accounts/password/reset/"))
    assert "员工使用公司账户登录（飞书）" in page

    for email in ("staff@example.com", "admin@example.com"):
        assert client.post("/accounts/password/reset/", {"email": email}).status_code == 302

    to_staff, to_admin = mail.outbox
    assert to_staff.to == ["staff@example.com"]
    assert "/accounts/password/reset/key/" not in to_staff.body
    assert "飞书" in to_staff.body and "http://testserver/accounts/login/" in to_staff.body
    assert to_staff.subject.endswith("请使用公司账户登录")
    assert to_admin.to == ["admin@example.com"]
    assert "/accounts/password/reset/key/" in to_admin.body


@pytest.mark.django_db
def test_an_unnamed_openid_provider_is_named_by_what_it_is_not_company_account_twice(
    client, settings, configure_sso, make_staff
):
    configure_sso(
        LMS_OIDC_ISSUER="https://id.example.com",
        LMS_OIDC_CLIENT_ID="lms",
        LMS_OIDC_CLIENT_SECRET="s3cret",
    )
    settings.LMS_SSO_ONLY = True
    make_staff(number="E5001", email="staff@example.com")

    assert "使用统一身份验证登录" in text(client.get("/accounts/login/"))  # the button
    page = text(client.get("/accounts/password/reset/"))
    assert "员工使用公司账户登录（统一身份验证）" in page
    assert "（公司账户）" not in page
    client.post("/accounts/password/reset/", {"email": "staff@example.com"})
    assert "统一身份验证" in mail.outbox[0].body and "（公司账户）" not in mail.outbox[0].body

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Sign in with company single sign-on" in text(client.get("/accounts/login/"))


@pytest.mark.django_db
def test_a_link_sent_before_sso_only_sets_no_password(client, settings, configure_sso, people):
    configure_sso(LMS_FEISHU_APP_ID="cli_a1b2c3", LMS_FEISHU_APP_SECRET="fs-secret")
    learner = people["learner"].user
    link = services.staff_invite(user=learner).url
    settings.LMS_SSO_ONLY = True
    password_before = User.objects.get(pk=learner.pk).password

    form_page = client.get(client.get(link.split("testserver", 1)[1]).url)
    assert "您使用公司账户登录（飞书）" in text(form_page)
    refused = client.post(
        form_page.wsgi_request.path,
        {"password1": "a-brand-new-secret-2026", "password2": "a-brand-new-secret-2026"},
    )

    assert refused.status_code == 200
    assert "此链接无法设置密码" in text(refused)
    assert User.objects.get(pk=learner.pk).password == password_before
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET).exists()


@pytest.mark.django_db
def test_the_invite_command_refuses_staff_under_sso_only(sso_only, people):
    with pytest.raises(CommandError, match="L001"):
        call_command("invite_staff", "AD01", "L001", stdout=io.StringIO())
    assert mail.outbox == []
    out = io.StringIO()
    call_command("invite_staff", "AD01", stdout=out)
    assert "/accounts/password/reset/key/" in out.getvalue()
