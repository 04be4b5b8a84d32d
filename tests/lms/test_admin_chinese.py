"""The Wagtail admin in Chinese for trainers and HR (issue 21): avatars drawn locally, never from
Gravatar; the admin's strings supplied by locale_vendor; the glossary's terms everywhere."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.platform.avatars import avatar_data_url, initials


def test_initials_of_chinese_and_latin_names():
    assert initials("林海峰") == "海峰"
    assert initials("王喆") == "王喆"
    assert initials("Li Ming") == "LM"
    assert initials("  ") == "?"
    assert initials("admin") == "AD"


@given(st.text(max_size=40), st.text(max_size=20))
def test_the_avatar_is_always_a_local_svg_of_at_most_two_letters(name, key):
    assert 1 <= len(initials(name)) <= 2
    url = avatar_data_url(name, key)
    assert url.startswith("data:image/svg+xml") and "gravatar" not in url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_admin_pages_ask_nothing_of_gravatar(settings, people, login, role):
    settings.LMS_ENFORCE_MFA = False
    client = login(people[role])
    for path in ("/cms/", "/cms/pages/", "/cms/account/"):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert "gravatar" not in html.lower(), path
        assert "data:image/svg+xml" in html, path


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_password_reset_once(client):
    html = client.get("/accounts/login/").content.decode()
    assert html.count("/accounts/password/reset/") == 1
    assert html.count("忘记密码") == 1


@pytest.mark.django_db
def test_confirm_access_and_totp_set_up_are_site_cards_with_the_whole_secret(
    client, people, settings
):
    settings.LMS_ENFORCE_MFA = False
    client.force_login(people["hr"].user)
    page = client.get("/accounts/reauthenticate/?next=/accounts/2fa/totp/activate/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="card narrow"' in html and "确认身份" in html and 'class="primary"' in html
    response = client.post(
        "/accounts/reauthenticate/",
        {"password": "correct-horse-battery", "next": "/accounts/2fa/totp/activate/"},
    )
    assert response.status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    html = page.content.decode()
    secret = client.session["mfa.totp.secret"]
    assert 'class="card narrow"' in html and "启用身份验证器应用" in html
    # The secret is text that wraps (.totp-secret), not a disabled input cut at 360 px.
    assert f'<code class="totp-secret" id="authenticator_secret">{secret}</code>' in html
    assert 'class="totp-qr"' in html and "双重身份验证" in html
    assert "双因素" not in html and "帐户" not in html
