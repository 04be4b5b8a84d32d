"""The learning records are queued when the event happens: each event's statement in the
outbox, written in the event's own transaction, once; nothing while no LRS is configured."""

import logging
import random
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from assessments.certificates import services as certificates
from assessments.certificates.verification import verification_url
from assessments.models import CertificateKind, CertificateTemplate, CycleState, XapiStatement
from assessments.quizzes import services as attempts
from assessments.xapi import events, sending, statements
from courses.learning import services as learning
from courses.models import DrillEvaluation
from courses.sessions import services as sessions
from tests.factories import assessment_result, make_cycle

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def recorded(kind=None) -> list[dict]:
    rows = XapiStatement.objects.order_by("pk")
    if kind is not None:
        rows = rows.filter(kind=kind)
    return [row.payload for row in rows]


@pytest.fixture(autouse=True)
def no_rendering(monkeypatch):
    """The certificates' PDFs are not these tests'."""
    monkeypatch.setattr(certificates, "_enqueue_rendering", lambda ids: None)


# Nothing without an LRS --------------------------------------------------------------------


def test_without_an_lrs_nothing_is_recorded(people, course, settings):
    settings.LMS_XAPI_ENDPOINT = ""
    learning.lesson_complete(user=people["learner"].user, lesson=course.lessons[0])
    assert not XapiStatement.objects.exists()
    assert sending.statements_send().sent == 0


def test_without_an_lrs_a_completion_costs_no_query_more(people, course, settings):
    learner = people["learner"].user
    settings.LMS_XAPI_ENDPOINT = ""
    with CaptureQueriesContext(connection) as without:
        learning.lesson_complete(user=learner, lesson=course.lessons[0])
    settings.LMS_XAPI_ENDPOINT = "http://127.0.0.1:9/xAPI"
    with CaptureQueriesContext(connection) as with_lrs:
        learning.lesson_complete(user=learner, lesson=course.lessons[1])
    assert len(with_lrs) > len(without)  # the statement's insert, at least
    assert XapiStatement.objects.filter(kind="lesson-completed").count() == 1


# Lessons -----------------------------------------------------------------------------------


def test_a_lesson_completed_is_recorded_once_with_the_site_addresses(
    people, course, lrs_configured, django_capture_on_commit_callbacks
):
    learner, lesson = people["learner"].user, course.lessons[0]
    with django_capture_on_commit_callbacks() as queued:
        completion = learning.lesson_complete(user=learner, lesson=lesson)
    assert len(queued) == 1  # the send, once the completion is committed
    learning.lesson_complete(user=learner, lesson=lesson)  # a double tap
    [made] = recorded("lesson-completed")
    assert made["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": BASE, "name": learner.username},
    }
    assert made["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert made["object"]["id"] == f"{BASE}/training/courses/course-1/lesson-1/"
    assert made["object"]["id"] == BASE + lesson.url
    assert made["object"]["definition"]["name"] == {"zh-CN": lesson.title, "en-US": lesson.title}
    assert made["context"]["contextActivities"]["parent"][0]["id"] == BASE + course.url
    row = XapiStatement.objects.get()
    assert (row.person, row.sent_at, row.attempts) == (learner.username, None, 0)
    site = events.site()
    assert row.statement_id == statements.statement_id(site, events.lesson_completed(completion))


def test_the_statement_is_written_in_the_events_transaction(people, course, lrs_configured):
    with pytest.raises(RuntimeError), transaction.atomic():
        learning.lesson_complete(user=people["learner"].user, lesson=course.lessons[0])
        assert XapiStatement.objects.count() == 1
        raise RuntimeError("the request fails after the completion")
    assert not XapiStatement.objects.exists()


def test_a_statement_that_cannot_be_made_does_not_refuse_the_lesson(
    people, course, lrs_configured, monkeypatch, caplog
):
    def broken(completion):
        raise ValueError("a page without an address")

    monkeypatch.setattr(events, "lesson_completed", broken)
    with caplog.at_level(logging.ERROR):
        learning.lesson_complete(user=people["learner"].user, lesson=course.lessons[0])
    assert people["learner"].user.lesson_completions.count() == 1
    assert not XapiStatement.objects.exists()
    assert "No xAPI statement recorded for lesson completion" in caplog.text


# Quiz attempts -----------------------------------------------------------------------------


def take(quiz, user, *, right: int):
    """An attempt with `right` of its two choice questions right (and an essay, if any)."""
    attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(0))
    for item in attempt.items.order_by("position"):
        if item.version.content.qtype == "essay":
            data = {"text": "我先道歉,然后记录。"}
        else:
            data = {"choice": 0 if item.position <= right else 1}
        attempts.answer_save(attempt=attempt, position=item.position, data=data)
    return attempts.attempt_submit(attempt=attempt)


def test_a_quiz_attempt_passed_or_failed_carries_its_score(people, quiz, lrs_configured):
    learner = people["learner"].user
    failed = take(quiz, learner, right=0)
    passed = take(quiz, learner, right=1)
    made = {m["verb"]["id"].rsplit("/", 1)[1]: m for m in recorded("attempt-graded")}
    assert set(made) == {"failed", "passed"}
    assert made["failed"]["result"] == {
        "score": {"scaled": 0, "raw": 0, "min": 0, "max": 2},
        "success": False,
        "completion": True,
    }
    assert made["passed"]["result"]["score"] == {"scaled": 0.5, "raw": 1, "min": 0, "max": 2}
    assert made["passed"]["result"]["success"] is True
    assert made["passed"]["object"]["id"] == BASE + quiz.url
    assert made["passed"]["object"]["definition"]["type"] == statements.ASSESSMENT
    assert made["passed"]["context"]["extensions"] == {statements.ATTEMPT_NUMBER: passed.number}
    assert made["failed"]["context"]["contextActivities"]["parent"][0]["id"].endswith(
        "/training/courses/course-1/"
    )
    assert failed.number == 1 and passed.number == 2
    attempts.attempt_submit(attempt=passed)  # submitted again: graded once
    assert len(recorded("attempt-graded")) == 2


def test_an_attempt_waiting_for_its_essay_is_recorded_once_graded(people, quiz, lrs_configured):
    from assessments.models import QuizSlot
    from assessments.questions import services as questions
    from assessments.questions.data import Question, QuestionType

    [essay] = questions.questions_import(
        [Question(QuestionType.ESSAY, "描述一次投诉处理。")], default_category="客户服务"
    )
    QuizSlot.objects.create(quiz=quiz, question=essay, sort_order=5, mark=Decimal(2))
    attempt = take(quiz, people["learner"].user, right=2)
    assert not recorded("attempt-graded")  # the essay waits for a trainer
    item = attempt.items.get(version__question=essay)
    attempts.item_grade_manually(item=item, score=Decimal(1), by=people["trainer"].user)
    [made] = recorded("attempt-graded")
    assert made["result"]["score"] == {"scaled": 0.75, "raw": 3, "min": 0, "max": 4}
    # The same score given again changes nothing; another score is a new statement.
    attempts.item_grade_manually(item=item, score=Decimal(1), by=people["trainer"].user)
    assert len(recorded("attempt-graded")) == 1
    attempts.item_grade_manually(item=item, score=Decimal(2), by=people["trainer"].user)
    assert [m["result"]["score"]["raw"] for m in recorded("attempt-graded")] == [3, 4]


# Sessions and drills -----------------------------------------------------------------------


def test_a_session_attended_is_recorded_once(people, drill_session, lrs_configured):
    learner, trainer = people["learner"].user, people["trainer"].user
    sessions.check_in(token=sessions.check_in_token(drill_session), user=learner)
    sessions.attendance_mark(session=drill_session, user=learner, present=True, by=trainer)
    sessions.attendance_mark(
        session=drill_session, user=people["colleague"].user, present=False, by=trainer
    )
    [made] = recorded("session-attended")
    assert made["verb"]["id"] == "http://adlnet.gov/expapi/verbs/attended"
    assert made["object"]["id"] == f"{BASE}/learning/sessions/{drill_session.pk}/"
    assert made["object"]["definition"]["name"]["zh-CN"] == "投诉电话演练"
    assert made["actor"]["account"]["name"] == learner.username


def test_a_drill_score_is_recorded_when_complete_and_when_changed(
    people, drill_session, lrs_configured
):
    learner, trainer = people["learner"].user, people["trainer"].user
    keys = [c.key for c in drill_session.rubric_version.rubric.criteria]

    def give(points, comment=""):
        sessions.evaluation_save(
            session=drill_session,
            participant=learner,
            points=points,
            notes={},
            comment=comment,
            by=trainer,
        )

    give({keys[0]: "2"})
    assert not recorded("drill-scored")  # one criterion of two: no score yet
    give({keys[0]: "2", keys[1]: "2"})
    give({keys[0]: "2", keys[1]: "2"}, comment="语气平和")  # a comment: the same score
    give({keys[0]: "4", keys[1]: "1"})
    made = recorded("drill-scored")
    assert [m["result"]["score"]["raw"] for m in made] == [62.5, 87.5]
    drill = drill_session.drill
    assert made[0]["object"]["id"] == BASE + drill.url
    assert made[0]["object"]["definition"]["type"] == statements.PERFORMANCE
    parent = made[0]["context"]["contextActivities"]["parent"][0]
    assert parent["id"] == f"{BASE}/learning/sessions/{drill_session.pk}/"
    assert DrillEvaluation.objects.get().percent == Decimal("87.5")


# Certificates ------------------------------------------------------------------------------


@pytest.fixture
def course_template(db):
    template = CertificateTemplate.objects.filter(kind=CertificateKind.COURSE, active=True).first()
    if template is None:
        template = CertificateTemplate.objects.create(
            kind=CertificateKind.COURSE,
            name="测试模板",
            title_zh="结业证书",
            title_en="Certificate of Completion",
            body_zh="兹证明{name}",
        )
    return template


def test_a_course_certificate_earned_names_its_verification_page(
    people, course, course_template, lrs_configured, django_capture_on_commit_callbacks
):
    learner = people["learner"].user
    with django_capture_on_commit_callbacks(execute=False) as committed:
        for lesson in course.lessons:
            learning.lesson_complete(user=learner, lesson=lesson)
    # The certificate is issued once the completion is committed (its own transaction).
    for callback in committed:
        if getattr(callback, "__name__", "") != "send_soon":
            callback()
    certificate = learner.certificates.get()
    [made] = recorded("certificate-earned")
    assert made["verb"]["id"] == "http://id.tincanapi.com/verb/earned"
    assert made["object"]["id"] == verification_url(certificate)
    assert made["object"]["id"].startswith(f"{BASE}/verify/")
    name = made["object"]["definition"]["name"]
    assert name["zh-CN"] == f"{course.title} {course_template.title_zh}"
    assert name["en-US"].endswith(f": {course.title}")
    assert made["context"]["contextActivities"]["parent"][0]["id"] == BASE + course.url
    assert len(recorded("lesson-completed")) == len(course.lessons)


def test_a_cycles_certificates_are_recorded_in_one_insert(people, make_staff, lrs_configured):
    template = CertificateTemplate.objects.filter(kind=CertificateKind.CYCLE, active=True).first()
    assert template is not None  # the default one
    cycle = make_cycle("2026年第三季度考核", state=CycleState.FINALISED)
    for key in ("learner", "colleague", "south"):
        assessment_result(cycle, people[key])
    with CaptureQueriesContext(connection) as queries:
        issued = certificates.certificates_issue_for_cycle(cycle=cycle, by=people["hr"].user)
    made = recorded("certificate-earned")
    assert len(made) == len(issued) == 3
    assert {m["actor"]["account"]["name"] for m in made} == {"L001", "L002", "L004"}
    assert all(m["object"]["definition"]["name"]["zh-CN"].startswith(cycle.name) for m in made)
    table = "assessments_xapistatement"
    inserts = [q for q in queries if q["sql"].startswith("INSERT") and table in q["sql"]]
    assert len(inserts) == 1
    assert len({uuid.UUID(m["id"]) for m in made}) == 3
