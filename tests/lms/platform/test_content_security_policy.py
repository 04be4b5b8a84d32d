"""A Content-Security-Policy on every page, the Wagtail admin included; none of our templates
needs an inline script, event handler or style attribute."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HEADER = "Content-Security-Policy"


def directives(response) -> dict[str, list[str]]:
    policy = response.headers[HEADER]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "path"),
    [
        (None, "/accounts/login/"),  # anonymous
        (None, "/verify/"),  # public
        ("learner", "/learning/"),
        ("learner", "/account/"),
        ("learner", "/certificates/"),
        ("learner", "/learning/no-such-page/"),  # a 404 too
    ],
)
def test_every_page_has_the_strict_policy(client, people, login, no_mfa_enforcement, who, path):
    response = (login(people[who]) if who else client).get(path)
    assert response.status_code in (200, 404)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/cms/", "/cms/pages/"])
def test_the_admin_has_a_policy_with_what_wagtail_still_needs(
    people, login, no_mfa_enforcement, path
):
    response = login(people["trainer"]).get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert set(policy["script-src"]) == {"'self'", "'unsafe-inline'"}
    assert set(policy["style-src"]) == {"'self'", "'unsafe-inline'"}


def _templates():
    folders = [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("*/*/templates")]
    return sorted({path for folder in folders for path in folder.rglob("*.html")})


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)


def test_the_scan_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">')
    assert not INLINE_SCRIPT.search('<script src="/static/js/x.js" defer></script>')
    assert EVENT_HANDLER.search('<button type="button" onclick="go()">')
    assert not EVENT_HANDLER.search('<button data-action="go">')
    assert INLINE_STYLE.search('<p class="x" style="color: red">')
    assert INLINE_STYLE.search("<style>p { color: red }</style>")
    assert not INLINE_STYLE.search('<link rel="stylesheet" href="/static/css/site.css">')


def test_no_template_of_ours_has_inline_script_or_style():
    templates = _templates()
    assert len(templates) > 50
    found = []
    for path in templates:
        name = path.relative_to(ROOT).as_posix().split("templates/", 1)[1]
        text = path.read_text(encoding="utf-8")
        kinds = [INLINE_SCRIPT, EVENT_HANDLER, INLINE_STYLE]
        found += [f"{name}: {m.group(0)}" for kind in kinds for m in kind.finditer(text)]
    assert found == []
