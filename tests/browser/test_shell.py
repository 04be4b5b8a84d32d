"""The shell leaves the screen to the work: on a 360 x 640 phone the top bar and the tab bar
together take at most 20 % of the height (128 px), for every role, in both languages, on
the home page, a list page, the account page and the error pages; no tab's label is cut
and nothing overflows the width.

The people are made once for the module (the database as built is kept as the copy that
each transactional test starts from, as in test_accessibility); each test signs one person
in, in one language, and walks a handful of pages.
"""

import pytest
from django.db import connection

from lms.roles import Role
from tests import factories
from tests.browser.conftest import built_once, csp_refusals, sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The layout does not depend on the database: checked once, in the SQLite run.
    pytest.mark.skipif(connection.vendor != "sqlite", reason="checked in the SQLite run"),
]

SCREEN = {"width": 360, "height": 640}
SHELL_MAX = 128  # 20 % of 640 px

# (employee number, roles, the pages to walk besides home and the account)
PEOPLE = {
    "learner": ("L001", [Role.LEARNER], ["/learning/", "/certificates/", "/cms/"]),
    "trainer": ("T001", [Role.LEARNER, Role.TRAINER], ["/learning/sessions/run/"]),
    "hr": ("H001", [Role.LEARNER, Role.HR], ["/assessment/cycles/", "/staff/"]),
    "admin": ("A001", [Role.ADMINISTRATOR], ["/org/", "/no-such-page/"]),
}


def _build() -> None:
    org = factories.org_tree()
    for number, roles, _pages in PEOPLE.values():
        factories.staff(org["pudong-team"], roles=roles, number=number)


@pytest.fixture(scope="module")
def world(browser, live_server, django_db_blocker):
    """The people, built once; each test starts from a copy of them."""
    with built_once(django_db_blocker, _build):
        yield


MEASURE = """() => {
  const height = (selector) => {
    const element = document.querySelector(selector);
    return element ? element.getBoundingClientRect().height : 0;
  };
  const cut = [...document.querySelectorAll('.tabbar a span, .tabbar summary span')]
    .filter((label) => label.scrollWidth > label.clientWidth + 1)
    .map((label) => label.textContent);
  return {
    top: height('.topbar'),
    tabs: height('.tabbar'),
    cut,
    overflows: document.documentElement.scrollWidth > window.innerWidth,
  };
}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("who", list(PEOPLE))
def test_the_shell_takes_at_most_a_fifth_of_the_phone(
    browser, live_server, settings, world, who, language
):
    settings.LMS_ENFORCE_MFA = False
    number, _roles, pages = PEOPLE[who]
    context = browser.new_context(viewport=SCREEN, base_url=live_server.url)
    context.add_cookies([{"name": "lms_language", "value": language, "url": live_server.url}])
    refused = csp_refusals(context)
    page = context.new_page()
    try:
        sign_in(page, number, factories.PASSWORD)
        problems = []
        for path in ["/", *pages, "/account/"]:
            page.goto(path)
            shell = page.evaluate(MEASURE)
            total = shell["top"] + shell["tabs"]
            if not shell["tabs"] or total > SHELL_MAX:
                problems.append(f"{path}: top bar {shell['top']} + tab bar {shell['tabs']}")
            if shell["cut"]:
                problems.append(f"{path}: tab labels cut: {shell['cut']}")
            # The page's own content (tables) is another part's: the shell must not overflow.
            if shell["overflows"] and path in ("/", "/account/"):
                problems.append(f"{path}: wider than the screen")
        # "Me" opens the sheet with the language and signing out, above the tab bar.
        page.goto("/")
        page.locator(".me-sheet > summary").click()
        sign_out = page.locator(".me-sheet form.sign-out button")
        assert sign_out.is_visible()
        assert sign_out.bounding_box()["height"] >= 44
        assert page.locator(".me-sheet select[name=language]").is_visible()
        # The menu sheet opens from the top bar; its entries are tap-sized.
        page.locator(".menu-sheet > summary").click()
        assert not page.locator(".me-sheet").evaluate("sheet => sheet.open")
        entries = page.locator(".menu-sheet .sheet-list a")
        for index in range(entries.count()):
            assert entries.nth(index).bounding_box()["height"] >= 44
        assert not problems, "\n".join(problems)
    finally:
        context.close()
    assert refused == []
