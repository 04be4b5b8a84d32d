# ruff: noqa: RUF001
"""The API's documentation page and the administrators' token pages in Chromium: the docs
page runs under the site's Content-Security-Policy (its scripts are ours, served locally);
the token pages fit a 360-px phone in Chinese and in English and pass axe-core."""

import pytest
from django.db import connection

from lms.roles import Role
from tests import factories
from tests.browser.conftest import (
    PHONE,
    axe_violations,
    csp_refusals,
    describe_violations,
    fits_the_screen,
    sign_in,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="checked in the SQLite run"),
]


def test_the_api_documentation_page_runs_under_the_policy(phone):
    phone.goto("/api/v1/docs")
    phone.locator(".swagger-ui .info .title", has_text="LMS API").wait_for()
    phone.locator(".opblock-summary-path", has_text="/api/v1/roster").first.wait_for()
    # the phone fixture fails the test on any refusal of the Content-Security-Policy


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_an_administrator_creates_renews_and_revokes_a_token_on_a_phone(
    browser, live_server, settings, locale
):
    settings.LMS_ENFORCE_MFA = False
    org = factories.org_tree()
    admin = factories.staff(
        org["co"], roles=[Role.ADMINISTRATOR], position="manager", name="周远", number="AD01"
    )
    context = browser.new_context(viewport=PHONE, locale=locale, base_url=live_server.url)
    context.set_default_timeout(10_000)
    if locale == "en":
        host = live_server.url.split("//")[1].split(":")[0]
        context.add_cookies([{"name": "lms_language", "value": "en", "domain": host, "path": "/"}])
    refused = csp_refusals(context)
    page = context.new_page()
    sign_in(page, admin.user.username, factories.PASSWORD)
    problems = []

    def check(where):
        if not fits_the_screen(page):
            problems.append(f"{where}: wider than the screen")
        violations = axe_violations(page)
        if violations:
            problems.append(describe_violations(where, violations))

    page.goto("/integrations/tokens/new/")
    check("the form")
    page.fill("input[name=name]", "人事系统（正式环境）")
    page.locator("input[name=scopes][value='roster:write']").check()
    page.locator("button[type=submit].primary").click()
    first = page.locator("[data-token-text]").input_value()
    assert first.startswith("lms_")
    check("the token shown once")
    page.goto("/integrations/tokens/")
    check("the list")
    page.locator("[data-token] summary").click()
    page.locator("[data-rotate]").click()
    second = page.locator("[data-token-text]").input_value()
    assert second.startswith("lms_") and second != first
    page.goto("/integrations/tokens/")
    page.locator("[data-token] summary").click()
    page.locator("[data-revoke]").click()
    page.wait_for_url("**/integrations/tokens/")
    assert page.locator("[data-token] .badge.left").count() == 1
    check("the list with a revoked token")
    context.close()
    assert refused == [] and problems == [], "\n".join(refused + problems)
