"""Sign-in through allauth: both identifiers, no sign-up, resets, invites, rate limits."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail

from lms import services
from lms.models import User
from lms.models.audit import AuditAction, AuditEvent
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def post_login(client, login, password=PASSWORD, **extra):
    return client.post(LOGIN, {"login": login, "password": password}, **extra)


@pytest.mark.django_db
def test_sign_in_with_employee_number(client, make_staff):
    person = make_staff(number="E2001")
    response = post_login(client, "E2001", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(person.user.pk)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.actor == person.user
    assert event.ip_address == "10.1.2.3"


@pytest.mark.django_db
def test_sign_in_with_email_in_any_case(client, make_staff):
    person = make_staff(email="Wang.Zhe@example.com")
    response = post_login(client, "wang.zhe@EXAMPLE.com")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(person.user.pk)


@pytest.mark.django_db
def test_wrong_password_is_refused_and_audited(client, make_staff):
    make_staff(number="E2002")
    response = post_login(client, "E2002", "not-the-password")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor_label == "E2002"


@pytest.mark.django_db
def test_leaver_cannot_sign_in(client, make_staff):
    import datetime

    person = make_staff(number="E2003")
    services.staff_mark_left(profile=person, on=datetime.date(2026, 1, 31))
    response = post_login(client, "E2003")
    assert SESSION_KEY not in client.session
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "inactive" in response.url


@pytest.mark.django_db
def test_there_is_no_open_sign_up(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "X9999",
            "email": "x@example.com",
            "password1": "Zz-12345678",
            "password2": "Zz-12345678",
        },
    )
    assert not User.objects.filter(username="X9999").exists()
    assert response.status_code == 200
    assert "signup_closed" in [
        t.name.rsplit("/", 1)[-1].removesuffix(".html") for t in response.templates
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("cache_kind", ["local memory", "redis"])
def test_failed_sign_ins_are_rate_limited(client, make_staff, settings, cache_kind, request):
    if cache_kind == "redis":
        request.getfixturevalue("redis_cache")
    settings.LANGUAGE_CODE = "en"
    make_staff(number="E2004")
    pages = [post_login(client, "E2004", f"wrong-{i}").content.decode() for i in range(6)]
    too_many = "Too many failed login attempts"
    assert [too_many in page for page in pages] == [False] * 5 + [True]
    # The right password is refused too while the limit holds.
    assert too_many in post_login(client, "E2004").content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_rate_limit_counts_per_account_not_per_spelling(client, make_staff, settings):
    settings.LANGUAGE_CODE = "en"
    make_staff(number="E2007")
    for i in range(5):
        post_login(client, "e2007" if i % 2 else "E2007", f"wrong-{i}")
    assert "Too many failed login attempts" in post_login(client, "E2007").content.decode()


@pytest.mark.django_db
def test_password_reset_by_email(client, make_staff):
    person = make_staff(email="reset@example.com", number="E2005")
    response = client.post("/accounts/password/reset/", {"email": "reset@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body).group(
        0
    )
    _set_password_through(client, link, "a-brand-new-secret-2026")
    assert post_login(client, "E2005", "a-brand-new-secret-2026").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET, actor=person.user).exists()


def _set_password_through(client, link, password):
    path = link.split("testserver", 1)[-1]
    response = client.get(path)
    assert response.status_code == 302  # allauth moves the key into the session
    response = client.post(response.url, {"password1": password, "password2": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return path


@pytest.mark.django_db
def test_first_time_password_through_one_time_link(client, make_staff):
    person = make_staff(number="E2006", email="new@example.com", password="")
    user = User.objects.get(pk=person.user.pk)
    assert not user.has_usable_password()
    url = services.staff_invite(user=user).url
    assert len(mail.outbox) == 1
    assert url in mail.outbox[0].body
    assert "E2006" in mail.outbox[0].body
    path = _set_password_through(client, url, "my-first-password-26")
    assert post_login(client, "E2006", "my-first-password-26").status_code == 302
    client.logout()
    # Used once, the link no longer works.
    response = client.get(path, follow=True)
    assert b'name="password1"' not in response.content


@pytest.mark.django_db
def test_wagtail_admin_signs_in_through_allauth(client):
    response = client.get("/cms/login/?next=/cms/pages/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "next=/cms/pages/" in response.url
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/accounts/password/reset/", "/accounts/password/reset/done/"],
)
def test_sign_in_pages_use_the_site_layout(client, path):
    html = client.get(path).content.decode()
    assert 'class="site-header"' in html
    assert 'action="/i18n/setlang/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/2fa/", "/accounts/password/change/", "/account/"])
def test_account_pages_for_a_learner(login, people, path):
    response = login(people["learner"]).get(path)
    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()


@pytest.mark.django_db
def test_hr_reaches_the_wagtail_admin(login, people, no_mfa_enforcement):
    assert login(people["hr"]).get("/cms/").status_code == 200
    # A learner is told, on one page, that the admin is not for them (no redirect loop).
    assert login(people["learner"]).get("/cms/").status_code == 403
