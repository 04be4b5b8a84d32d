"""Fixtures of the learning records' tests: an LRS configured (at a closed port unless a test
starts Ralph), a quiz in the course, a drill session."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import QuizPage, QuizSlot
from assessments.questions import services as questions
from courses.models import SessionKind, SignUp, SignUpStatus
from tests import factories
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
