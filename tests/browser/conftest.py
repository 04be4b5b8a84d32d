"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Chromium is the system's (`/usr/bin/chromium`, or `CHROMIUM`); `.ci/run`
installs it. Without it the tests are skipped locally and fail in CI.
"""

import contextlib
import os
import threading
import time

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests
# make between browser steps are still synchronous, so Django's guard is lifted here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def _serialized_db(django_db_setup):
    """The database as migrations left it, read before Playwright starts.

    Playwright's sync API runs an event loop in the test's thread, and Django keeps a
    connection per context: once the browser runs, tests get a new connection object,
    which lacks the serialized copy that transactional tests restore after each test.
    """
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", None)


def _keep_restorable(serialized) -> None:
    from django.db import connection

    if serialized is not None and not hasattr(connection, "_test_serialized_contents"):
        connection._test_serialized_contents = serialized


@pytest.fixture(autouse=True)
def _restorable_db(_serialized_db):
    _keep_restorable(_serialized_db)


class _Answering:
    """How many requests the live server is answering now: a page closed mid-load leaves
    its request running in a server thread, and a test that ends then must not empty the
    tables under it (SQLite refuses, "database table is locked", while a query of that
    thread reads them)."""

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()

    def patch(self) -> None:
        from django.core.servers.basehttp import ServerHandler

        if getattr(ServerHandler.run, "_answering", None) is self:
            return
        answer = ServerHandler.run
        answering = self

        def run(handler, application):
            with answering.changed:
                answering.count += 1
            try:
                answer(handler, application)
            finally:
                with answering.changed:
                    answering.count -= 1
                    answering.changed.notify_all()

        run._answering = self
        ServerHandler.run = run

    def wait_idle(self, timeout: float = 30.0, settle: float = 0.1) -> None:
        """Until no request has been running for `settle` seconds (a request the browser
        sent just before its context closed may not have started yet), at most `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.changed:
                self.changed.wait_for(lambda: self.count == 0, deadline - time.monotonic())
            time.sleep(settle)
            if self.count == 0:
                return


_ANSWERING = _Answering()


@pytest.fixture(autouse=True)
def _server_idle_at_teardown():
    """The live server has answered every request before the test's data is flushed (set
    up after pytest-django's database fixture, so torn down before it)."""
    _ANSWERING.patch()
    yield
    _ANSWERING.wait_idle()


@pytest.fixture(scope="session")
def browser(_serialized_db):
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not at {CHROMIUM}; CI must run the browser tests.")
        pytest.skip(f"Chromium is not at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        # From here on, this thread's connection is a new object: give it the copy now,
        # before any later test (in any folder) restores from it.
        _keep_restorable(_serialized_db)
        yield browser
        browser.close()


def csp_refusals(context, refused: list[str] | None = None) -> list[str]:
    """What the browser refuses in `context`'s pages under the Content-Security-Policy (it
    says so on the console), collected as they happen: a page of ours must cause none."""
    refused = [] if refused is None else refused

    def on_console(message):
        if "Content Security Policy" in message.text:
            refused.append(f"{message.page.url if message.page else ''}: {message.text}")

    context.on("console", on_console)
    return refused


@pytest.fixture
def csp_refused():
    """For a test that opens browser contexts itself: `csp_refusals(context, csp_refused)`;
    none by the end of the test."""
    refused: list[str] = []
    yield refused
    assert refused == []


@pytest.fixture
def phone(browser, live_server, settings):
    """A fresh phone-sized page, in Chinese, pointed at the live server."""
    settings.LMS_ENFORCE_MFA = False
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(10_000)
    refused = csp_refusals(context)
    page = context.new_page()
    yield page
    context.close()
    assert refused == []


def sign_in(page, username, password):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def start_answer_and_reload(page) -> None:
    """On a quiz's page: start the test, answer the first question ("5分钟"), see it saved
    while the countdown runs, reload in the middle (a lost connection, a locked phone), and
    find the answer kept."""
    from playwright.sync_api import expect

    page.get_by_role("button", name="开始测验").click()
    page.wait_for_url("**/learning/attempts/**")
    expect(page.locator("[data-remaining]")).to_contain_text(":")  # the countdown runs
    page.get_by_label("5分钟").check()
    page.locator("#q1 .save-state", has_text="✓").wait_for()
    assert fits_the_screen(page)
    page.reload()
    expect(page.get_by_label("5分钟")).to_be_checked()


# axe-core (axe-playwright-python ships its JavaScript): WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe-core finds on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def describe_violations(where: str, violations: list[dict]) -> str:
    """One line per rule broken (id, impact, what it checks), then the elements breaking it."""
    lines = [f"{where}: {len(violations)} axe-core violation(s)"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {' '.join(map(str, node['target']))}  {summary[:200]}")
    return "\n".join(lines)


@contextlib.contextmanager
def built_once(django_db_blocker, build):
    """The data `build()` makes, for a module's tests: kept as the copy each transactional
    test (`serialized_rollback=True`) starts from, in place of the migrations' copy, which
    is put back afterwards. Yields what `build()` returns."""
    from django.core.management import call_command
    from django.db import connection

    def flush():
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)

    migrated = getattr(connection, "_test_serialized_contents", None)
    with django_db_blocker.unblock():
        flush()
        if migrated is not None:
            connection.creation.deserialize_db_from_string(migrated)
        made = build()
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()
        flush()
    try:
        yield made
    finally:
        if migrated is None:
            del connection._test_serialized_contents
        else:
            connection._test_serialized_contents = migrated
