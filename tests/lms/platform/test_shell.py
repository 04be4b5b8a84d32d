"""The layout's shell and the error pages: the tab bar per role, the menu sheet, each error
page in both languages, a refused form, a learner at the admin, and a 500 without the
database."""

import pytest
from django.test import Client
from django.urls import get_resolver

from lms.roles import Role
from tests import factories


@pytest.fixture
def org(db):
    return factories.org_tree()


def _person(org, roles, number):
    return factories.staff(org["pudong-team"], roles=roles, number=number).user


def _client(user=None, *, english=False, **kwargs):
    client = Client(raise_request_exception=False, **kwargs)
    if user is not None:
        client.force_login(user)
    if english:
        factories.in_english(client)
    return client


def _tabs(response) -> list[str]:
    return [str(tab["label"]) for tab in response.context["nav_tabs"]]


@pytest.mark.parametrize(
    ("roles", "tabs"),
    [
        ([Role.LEARNER], ["Home", "Learning", "Assessment", "Certificates"]),
        ([Role.LEARNER, Role.TRAINER], ["Home", "Sessions", "Grading", "Reports"]),
        ([Role.LEARNER, Role.HR], ["Home", "Cycles", "Imports", "Staff"]),
        ([Role.ADMINISTRATOR], ["Home", "Staff", "Organisation", "Admin"]),
    ],
)
def test_each_role_has_its_tabs_and_the_rest_in_the_menu(org, roles, tabs, settings):
    settings.LMS_ENFORCE_MFA = False
    user = _person(org, roles, "S001")
    response = _client(user, english=True).get("/")
    assert response.status_code == 200
    assert _tabs(response) == tabs
    tab_urls = {tab["url"] for tab in response.context["nav_tabs"]}
    menu_urls = [item["url"] for item in response.context["nav_menu"]]
    assert not tab_urls & set(menu_urls)
    assert "/account/" not in menu_urls  # under "Me"
    html = response.content.decode()
    assert html.count('class="tabbar"') == 1
    assert 'aria-current="page"' in html  # Home, on the home page
    assert "Sign out" in html and 'name="language"' in html


def test_the_tab_of_the_page_is_current(org):
    user = _person(org, [Role.LEARNER], "S002")
    response = _client(user).get("/learning/catalogue/")
    current = [tab["url"] for tab in response.context["nav_tabs"] if tab["current"]]
    assert current == ["/learning/"]


@pytest.mark.parametrize(
    ("english", "words"),
    [
        (False, ("页面不存在", "返回首页", "登录")),
        (True, ("Page not found", "Back to the home page", "Sign in")),
    ],
)
def test_a_missing_page_in_both_languages(db, english, words):
    response = _client(english=english).get("/no-such-page/", HTTP_REFERER="http://testserver/")
    assert response.status_code == 404
    html = response.content.decode()
    for word in words:
        assert word in html
    assert 'href="http://testserver/"' in html  # back where the person came from


@pytest.mark.parametrize(
    ("code", "english", "words"),
    [
        (400, False, "请求有误"),
        (400, True, "Bad request"),
        (403, False, "没有权限"),
        (403, True, "No access"),
        (404, False, "页面不存在"),
        (404, True, "Page not found"),
    ],
)
def test_the_error_handlers_render_in_the_layout(org, rf, code, english, words):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    request.session = {}
    with translation.override("en" if english else "zh-hans"):
        response = get_resolver().resolve_error_handler(code)(request, exception=None)
    assert response.status_code == code
    html = response.content.decode()
    assert words in html and 'class="site-header"' in html
    assert "/accounts/login/?next=/somewhere/" in html


@pytest.mark.parametrize("english", [False, True])
def test_a_403_from_a_view_is_the_styled_page(org, english):
    user = _person(org, [Role.LEARNER], "S003")
    response = _client(user, english=english).get("/staff/")
    assert response.status_code == 403
    html = response.content.decode()
    assert ("No access" if english else "没有权限") in html
    assert "403 Forbidden" not in html and 'class="tabbar"' in html


@pytest.mark.parametrize(
    ("english", "words"), [(False, "表单已过期"), (True, "The form has expired")]
)
def test_a_refused_form_says_so(org, english, words):
    user = _person(org, [Role.LEARNER], "S004")
    client = _client(user, english=english, enforce_csrf_checks=True)
    response = client.post("/account/", {"language": "en"})
    assert response.status_code == 403
    assert words in response.content.decode()


@pytest.mark.parametrize(
    ("english", "words"),
    [(False, "您没有权限进入管理后台"), (True, "No access to the administration site")],
)
def test_a_learner_at_the_admin_gets_one_clear_page(org, english, words):
    user = _person(org, [Role.LEARNER], "S005")
    client = _client(user, english=english)
    for path in ("/cms/", "/cms/pages/"):
        response = client.get(path, follow=True)
        assert response.redirect_chain == [], path  # one response
        assert response.status_code == 403
        html = response.content.decode()
        # In <title>, the top bar and the heading; no message list repeating it.
        assert html.count(words) == 3
        assert 'class="messages"' not in html
        assert "permission to access" not in html and "没有权限访问" not in html
    # The admin's sign-in page sends a signed-in person home, once.
    response = client.get("/cms/login/", follow=True)
    assert response.status_code == 200 and len(response.redirect_chain) <= 2
    # Nothing was left over for the next page.
    html = client.get("/").content.decode()
    assert "没有权限访问" not in html and "permission to access" not in html


def test_staff_still_reach_the_admin(org, settings):
    settings.LMS_ENFORCE_MFA = False
    trainer = _person(org, [Role.LEARNER, Role.TRAINER], "S006")
    assert _client(trainer).get("/cms/").status_code == 200
    anonymous = _client().get("/cms/")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]


@pytest.mark.parametrize(("english", "words"), [(False, "出错了"), (True, "Something went wrong")])
def test_the_500_page_needs_no_database(rf, english, words):
    """Without the `db` fixture, pytest-django refuses any query: the page makes none."""
    from django.utils import translation

    request = rf.get("/broken/")
    with translation.override("en" if english else "zh-hans"):
        response = get_resolver().resolve_error_handler(500)(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert words in html and "css/site.css" in html


def test_a_bad_host_gets_the_400_page(db):
    response = _client().get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


@pytest.mark.parametrize(
    ("english", "options"),
    [(False, ['value="zh-hans" lang="zh-Hans" selected>简体中文', 'value="en" lang="en">英语']),
     (True, ['value="zh-hans" lang="zh-Hans">简体中文', 'value="en" lang="en" selected>English'])],
)  # fmt: skip
def test_the_language_switch_names_the_languages_in_the_pages_language(org, english, options):
    learner = _person(org, [Role.LEARNER], "L101")
    html = _client(learner, english=english).get("/learning/").content.decode()
    for option in options:
        assert option in html


def test_a_warm_page_makes_its_shell_without_reversing_or_formatting_icons(org, monkeypatch):
    """The shell's per-request work is done once per process: the tabs' and the menu's
    addresses (reverse), the icons' markup and the language choices; a warm page makes none
    of them again (the page's own content may)."""
    from django.templatetags import i18n as i18n_tags

    from lms.platform import navigation
    from lms.templatetags import shell

    learner = _person(org, [Role.LEARNER], "L102")
    client = _client(learner)
    assert client.get("/learning/").status_code == 200  # warm
    calls = []
    monkeypatch.setattr(navigation, "reverse", lambda *a, **k: calls.append(("reverse", a)))
    monkeypatch.setattr(shell, "format_html", lambda *a, **k: calls.append(("icon", a)))
    monkeypatch.setattr(
        i18n_tags.translation, "get_language_info", lambda *a: calls.append(("language", a))
    )
    html = client.get("/learning/").content.decode()
    assert 'class="tabbar"' in html and html.count('<svg class="icon"') >= 5
    assert calls == []
