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
