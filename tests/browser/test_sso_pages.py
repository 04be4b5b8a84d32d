"""The sign-in page with the company's identity buttons, and the page refusing an unknown
employee number: on a 360-px phone, in both languages, axe-core clean, no horizontal scroll,
buttons at least 44 px tall."""

import environ
import pytest

from lms.settings.sso import social_providers
from tests.browser.conftest import PHONE, axe_violations, csp_refusals, describe_violations

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def providers(settings, monkeypatch):
    for name, value in {
        "LMS_OIDC_ISSUER": "https://sso.example.com",
        "LMS_OIDC_CLIENT_ID": "lms",
        "LMS_OIDC_NAME": "顺达统一身份",
        "LMS_DINGTALK_CLIENT_ID": "dingabc",
        "LMS_FEISHU_APP_ID": "cli_abc",
    }.items():
        monkeypatch.setenv(name, value)
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(environ.Env())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("sso_only", [False, True])
def test_the_sign_in_page_with_providers_on_a_phone(
    browser, live_server, settings, providers, language, sso_only
):
    settings.LMS_SSO_ONLY = sso_only
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    context.add_cookies([{"name": "lms_language", "value": language, "url": live_server.url}])
    refused = csp_refusals(context)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        buttons = page.locator(".sso-providers button")
        expected = {
            "zh-hans": ["使用顺达统一身份登录", "使用钉钉登录", "使用飞书登录"],
            "en": ["Sign in with 顺达统一身份", "Sign in with DingTalk", "Sign in with Feishu"],
        }[language]
        assert [text.strip() for text in buttons.all_inner_texts()] == expected
        assert all(box["height"] >= 44 for box in (b.bounding_box() for b in buttons.all()))
        assert (page.locator("input[name=password]").count() == 0) is sso_only
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        violations = axe_violations(page)
        assert not violations, describe_violations(f"login {language}", violations)
        assert refused == []
    finally:
        context.close()
