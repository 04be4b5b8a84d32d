"""Languages, the home page and the base template."""

import pathlib
import re

import pytest
from django.conf import settings
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase

from lms.models import HomePage, User


@pytest.mark.django_db
def test_chinese_by_default_whatever_the_browser_says(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in html
    assert "登录" in html


@pytest.mark.django_db
def test_switching_language_is_remembered(client, people):
    client.force_login(people["learner"].user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/account/"})
    assert response.status_code == 302 and response.url == "/account/"
    html = client.get("/account/").content.decode()
    assert '<html lang="en">' in html and "My account" in html
    assert User.objects.get(pk=people["learner"].user_id).language == "en"
    # On another device (no cookie yet) the choice follows the person.
    from django.test import Client

    other = Client()
    other.force_login(people["learner"].user)
    assert "My account" in other.get("/account/").content.decode()


@pytest.mark.django_db
def test_unknown_language_is_ignored(client):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="zh-Hans">' in client.get("/").content.decode()


def po_problems(text: str) -> list[str]:
    """The msgids of a .po file that are untranslated or marked fuzzy."""
    problems = []
    for block in text.strip().split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        msgid = "".join(
            re.findall(r'^(?:msgid|"")?\s*"(.*)"$', "\n".join(_section(lines, "msgid")), re.M)
        )
        if not msgid:
            continue  # the header
        translations = _section(lines, "msgstr")
        text_out = "".join(re.findall(r'"(.*)"', "\n".join(translations)))
        if not text_out or any(line.startswith("#,") and "fuzzy" in line for line in lines):
            problems.append(msgid)
    return problems


def _section(lines, keyword):
    out, inside = [], False
    for line in lines:
        if line.startswith(keyword):
            inside = True
        elif not line.startswith('"'):
            inside = False
        if inside:
            out.append(line)
    return out


def test_po_checker_finds_gaps():
    sample = 'msgid ""\nmsgstr "x"\n\nmsgid "A"\nmsgstr ""\n\n#, fuzzy\nmsgid "B"\nmsgstr "乙"\n\n'
    sample += 'msgid "C"\nmsgstr ""\n"丙"\n\nmsgid "D"\nmsgid_plural "Ds"\nmsgstr[0] ""\n'
    assert po_problems(sample) == ["A", "B", "D"]


def test_every_string_is_translated_to_chinese():
    po = pathlib.Path(settings.BASE_DIR, "locale/zh_Hans/LC_MESSAGES/django.po").read_text("utf-8")
    assert po_problems(po) == []


@pytest.mark.django_db
def test_wagtail_serves_the_home_page(client):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    html = client.get("/").content.decode()
    assert 'name="viewport"' in html
    assert 'href="#main"' in html  # skip link for keyboard users
    assert "欢迎" in html


@pytest.mark.django_db
def test_signed_in_home_page_shows_the_person(client, people):
    client.force_login(people["learner"].user)
    html = client.get("/").content.decode()
    assert "王喆" in html and "浦东收派组" in html


@pytest.mark.django_db
def test_navigation_fits_the_role(client, people, no_mfa_enforcement):
    client.force_login(people["learner"].user)
    html = client.get("/").content.decode()
    assert "/staff/" not in html and "/audit/" not in html and "/cms/" not in html
    client.force_login(people["hr"].user)
    html = client.get("/").content.decode()
    assert "/staff/" in html and "/audit/" in html and "/cms/" in html


class TestHomePageRules(WagtailPageTestCase):
    def test_home_page_sits_under_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertEqual(HomePage.objects.count(), 1)
