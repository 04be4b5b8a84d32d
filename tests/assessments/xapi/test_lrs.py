"""The learning records against a real Learning Record Store (Ralph, started by the tests):
every kind of statement is taken, read back and valid; an LRS that is down loses nothing and
gets everything once it is up; nothing is ever stored twice."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.certificates import services as certificates
from assessments.models import CycleState, XapiStatement
from assessments.quizzes import services as attempts
from assessments.xapi import sending
from courses.learning import services as learning
from courses.sessions import services as sessions
from tests.assessments.xapi import ralph
from tests.factories import assessment_result, make_cycle

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(days=2)  # past any back-off of a first or second failure


@pytest.fixture(autouse=True)
def no_rendering(monkeypatch):
    monkeypatch.setattr(certificates, "_enqueue_rendering", lambda ids: None)


def every_kind(people, course, quiz, drill_session) -> None:
    """One event of each kind: a lesson completed, a quiz attempt graded, a session attended,
    a drill scored, a certificate earned."""
    learner, trainer = people["learner"].user, people["trainer"].user
    learning.lesson_complete(user=learner, lesson=course.lessons[0])
    attempt = attempts.attempt_start(quiz=quiz, user=learner, rng=random.Random(0))
    for position in (1, 2):
        attempts.answer_save(attempt=attempt, position=position, data={"choice": 0})
    attempts.attempt_submit(attempt=attempt)
    sessions.check_in(token=sessions.check_in_token(drill_session), user=learner)
    sessions.evaluation_save(
        session=drill_session,
        participant=learner,
        points={c.key: "2" for c in drill_session.rubric_version.rubric.criteria},
        notes={},
        comment="",
        by=trainer,
    )
    cycle = make_cycle("2026年第三季度考核", state=CycleState.FINALISED)
    assessment_result(cycle, people["learner"])
    certificates.certificates_issue_for_cycle(cycle=cycle, by=people["hr"].user)


def sent(row: XapiStatement) -> bool:
    row.refresh_from_db()
    return row.sent_at is not None


def test_every_kind_of_statement_is_taken_read_back_and_valid(
    people, course, quiz, drill_session, lrs
):
    every_kind(people, course, quiz, drill_session)
    rows = list(XapiStatement.objects.order_by("pk"))
    assert sorted(row.kind for row in rows) == sorted(
        [
            "lesson-completed",
            "attempt-graded",
            "session-attended",
            "drill-scored",
            "certificate-earned",
        ]
    )
    report = sending.statements_send()
    assert (report.sent, report.failed, report.waiting) == (5, 0, 0)
    read_back = [lrs.statement(str(row.statement_id)) for row in rows]
    for row, held in zip(rows, read_back, strict=True):
        assert sent(row) and row.attempts == 1 and row.last_error == ""
        # What the LRS holds is what the site said, plus when it stored it and who said it.
        assert {k: v for k, v in held.items() if k not in ("stored", "authority")} == row.payload
        assert held["authority"] == {"mbox": "mailto:lms@example.com", "objectType": "Agent"}
    assert ralph.validate(read_back) == {}  # Ralph's own xAPI model finds nothing wrong
    assert [h["verb"]["id"].rsplit("/", 1)[1] for h in read_back] == [
        "completed",
        "passed",
        "attended",
        "scored",
        "earned",
    ]


def test_an_event_is_sent_once_it_is_committed(
    people, course, lrs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        learning.lesson_complete(user=people["learner"].user, lesson=course.lessons[1])
    row = XapiStatement.objects.get()
    assert sent(row)  # the task ran (the tests' immediate backend) and Ralph took it
    assert lrs.statement(str(row.statement_id))["object"]["id"].endswith("/lesson-2/")


def test_an_lrs_that_is_down_keeps_everything_and_gets_it_once_up(
    people, course, own_ralph, django_capture_on_commit_callbacks
):
    learner = people["learner"].user
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in course.lessons[:2]:
            learning.lesson_complete(user=learner, lesson=lesson)
        learning.lesson_complete(user=people["colleague"].user, lesson=course.lessons[0])
    rows = list(XapiStatement.objects.order_by("pk"))
    assert len(rows) == 3 and not any(sent(row) for row in rows)
    for row in rows:
        assert row.attempts >= 1
        assert own_ralph.endpoint in row.last_error and "refused" in row.last_error.lower()
        assert row.next_attempt_at > timezone.now()  # not tried again at once
    # Down, and not due yet: the periodic run tries nothing.
    assert sending.statements_send() == sending.SendReport(sent=0, failed=0, waiting=3)

    own_ralph.start()
    output = io.StringIO()
    call_command("send_xapi_statements", "--now", stdout=output)
    assert "3 statements sent, 0 kept for a later try, 0 waiting in all." in output.getvalue()
    assert all(sent(row) and row.last_error == "" for row in rows)
    assert [own_ralph.copies(str(row.statement_id)) for row in rows] == [1, 1, 1]


def test_a_statement_sent_again_is_stored_once(people, course, own_ralph):
    own_ralph.start()
    learning.lesson_complete(user=people["learner"].user, lesson=course.lessons[0])
    row = XapiStatement.objects.get()
    assert sending.statements_send().sent == 1
    # A worker stopped after its POST, before it wrote down the answer: sent again.
    XapiStatement.objects.filter(pk=row.pk).update(sent_at=None)
    assert sending.statements_send().sent == 1
    # The same id with other content (a statement made by an older release): Ralph answers 409
    # Conflict and keeps its own; the site counts it as sent, and stops trying.
    changed = {**row.payload, "timestamp": "2026-01-01T00:00:00.000Z"}
    XapiStatement.objects.filter(pk=row.pk).update(sent_at=None, payload=changed)
    assert sending.statements_send().sent == 1
    assert sent(row)
    assert own_ralph.copies(str(row.statement_id)) == 1
    assert own_ralph.statement(str(row.statement_id))["timestamp"] != changed["timestamp"]


def test_a_statement_the_lrs_refuses_does_not_hold_back_the_others(people, course, lrs, settings):
    settings.LMS_XAPI_BATCH_SIZE = 10
    learner = people["learner"].user
    for lesson in course.lessons:  # the course is complete: its certificate is issued later
        learning.lesson_complete(user=learner, lesson=lesson)
    rows = list(XapiStatement.objects.filter(kind="lesson-completed").order_by("pk"))
    broken = rows[1]
    broken.payload = {**broken.payload, "verb": {"display": {"en-US": "completed"}}}  # no id
    broken.save()
    report = sending.statements_send()
    assert (report.sent, report.failed, report.waiting) == (2, 1, 1)
    assert sent(rows[0]) and sent(rows[2]) and not sent(broken)
    assert broken.last_error.startswith(("HTTP 400", "HTTP 422")) and "verb" in broken.last_error
    assert lrs.copies(str(broken.statement_id)) == 0


def test_a_wrong_secret_keeps_the_statements_and_says_why(people, course, lrs, settings):
    settings.LMS_XAPI_SECRET = "not-the-secret"
    learning.lesson_complete(user=people["learner"].user, lesson=course.lessons[0])
    report = sending.statements_send()
    assert (report.sent, report.failed) == (0, 1)
    row = XapiStatement.objects.get()
    assert row.last_error.startswith("HTTP 401")
    settings.LMS_XAPI_SECRET = ralph.PASSWORD
    assert sending.statements_send(now=timezone.now() + LATER).sent == 1
    assert sent(row) and row.attempts == 2


def test_a_revoked_certificate_voids_its_earning_at_the_lrs(people, lrs):
    """HR revokes a certificate whose earning the LRS holds: a statement voiding it (xAPI's
    `voided`, a StatementRef to the earning) is taken and valid. One revoked before its
    earning was sent never reaches the LRS at all."""
    cycle = make_cycle("2026年第三季度考核", state=CycleState.FINALISED)
    assessment_result(cycle, people["learner"])
    assessment_result(cycle, people["colleague"])
    issued = certificates.certificates_issue_for_cycle(cycle=cycle, by=people["hr"].user)
    sent_one, unsent_one = sorted(issued, key=lambda c: c.user.username)
    earned = {row.person: row for row in XapiStatement.objects.all()}
    XapiStatement.objects.filter(pk=earned[unsent_one.user.username].pk).update(
        next_attempt_at=timezone.now() + LATER
    )
    assert sending.statements_send().sent == 1

    certificates.certificate_revoke(certificate=sent_one, by=people["hr"].user, reason="冒名顶替")
    certificates.certificate_revoke(certificate=unsent_one, by=people["hr"].user, reason="重复")
    assert not XapiStatement.objects.filter(pk=earned[unsent_one.user.username].pk).exists()
    voiding = XapiStatement.objects.get(kind="certificate-revoked")
    assert voiding.payload["object"] == {
        "objectType": "StatementRef",
        "id": str(earned[sent_one.user.username].statement_id),
    }
    assert sending.statements_send().sent == 1
    held = lrs.statement(str(voiding.statement_id))
    assert held["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
    assert ralph.validate([held]) == {}
