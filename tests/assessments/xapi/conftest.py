"""Fixtures of the learning records' tests: an LRS configured (at a closed port unless a test
starts Ralph), a quiz in the course, a drill session."""

import datetime
import os
import shutil
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import QuizPage, QuizSlot
from assessments.questions import services as questions
from courses.models import SessionKind, SignUp, SignUpStatus
from tests import factories
from tests.assessments.xapi import ralph
from tests.factories import single

# Nothing listens on port 9 of the loopback (discard): an LRS that is down.
CLOSED = "http://127.0.0.1:9/xAPI"


@pytest.fixture
def lrs_configured(settings):
    settings.LMS_XAPI_ENDPOINT = CLOSED
    settings.LMS_XAPI_KEY, settings.LMS_XAPI_SECRET = "lms", "secret"
    settings.LMS_XAPI_TIMEOUT = 5
    return settings


@pytest.fixture
def quiz(course):
    """A two-question test of the course (pass at 50 %), one point each."""
    made = questions.questions_import([single(0), single(1)], default_category="客户服务")
    quiz = QuizPage(title="客户服务测验", slug="quiz", pass_percent=Decimal(50))
    course.add_child(instance=quiz)
    for n, question in enumerate(made):
        QuizSlot.objects.create(quiz=quiz, question=question, sort_order=n)
    return quiz


@pytest.fixture
def drill_session(people, index, org):
    """A drill session of the trainer that started an hour ago, the learner in it."""
    drill = factories.drill(index.get_parent(), publish_by=people["admin"].user)
    trainer = people["trainer"].user
    session = factories.make_session(
        trainer,
        scheduled_by=trainer,
        kind=SessionKind.DRILL,
        drill=drill,
        title="投诉电话演练",
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        audience_units=[org["east"]],
    )
    SignUp.objects.create(
        session=session,
        user=people["learner"].user,
        status=SignUpStatus.CONFIRMED,
        queued_at=timezone.now(),
    )
    return session


# Ralph, a real LRS ---------------------------------------------------------------------------


def _ralph_installed() -> None:
    if ralph.installed():
        return
    message = (
        f"Ralph (the LRS of the xAPI tests) is not installed in {ralph.VENV}: "
        "`make install` installs it (or `make lrs`)."
    )
    if os.environ.get("CI"):
        pytest.fail(message + " CI must run these tests.")
    pytest.skip(message)


@pytest.fixture(scope="session")
def ralph_credentials(tmp_path_factory):
    """A folder with Ralph's credentials file for the site's key and secret (made once)."""
    _ralph_installed()
    folder = tmp_path_factory.mktemp("ralph")
    ralph.credentials(folder)
    return folder


@pytest.fixture(scope="session")
def ralph_server(ralph_credentials):
    """One Ralph for the session's tests."""
    server = ralph.Ralph(ralph_credentials).start()
    yield server
    server.stop()


def _point_at(settings, server: ralph.Ralph) -> None:
    settings.LMS_XAPI_ENDPOINT = server.endpoint
    settings.LMS_XAPI_KEY, settings.LMS_XAPI_SECRET = ralph.USER, ralph.PASSWORD
    settings.LMS_XAPI_TIMEOUT = 10


@pytest.fixture
def lrs(ralph_server, settings):
    """The site configured to send to the session's Ralph."""
    _point_at(settings, ralph_server)
    return ralph_server


@pytest.fixture
def own_ralph(ralph_credentials, tmp_path, settings):
    """A Ralph of the test's own, with an empty store, on a port chosen now and configured
    as the site's LRS, not started yet (`.start()`): an LRS that is down, then up."""
    (tmp_path / "app").mkdir()
    (tmp_path / "store").mkdir()
    shutil.copy(ralph_credentials / "app" / "auth.json", tmp_path / "app" / "auth.json")
    server = ralph.Ralph(tmp_path)
    _point_at(settings, server)
    yield server
    server.stop()
