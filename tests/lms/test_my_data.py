"""A copy of one's own data as one ZIP file: every section, only that person's rows, files
that open, and the download in the audit log."""

import csv
import datetime
import io
import json
import random
import zipfile
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from assessments.cycles.services import appeal_raise
from assessments.models import CycleState, QuizPage, QuizSlot
from assessments.questions import services as questions
from assessments.questions.data import Choice, QuestionType
from assessments.questions.data import Question as Q
from assessments.quizzes import services as attempts
from courses.acknowledgements.services import acknowledge
from courses.learning import services as learning
from courses.models import (
    ConfidentialityPage,
    DrillEvaluation,
    Enrolment,
    Reminder,
    RubricVersion,
    SignUp,
)
from lms.audit import PersonalRecord
from lms.models.audit import AuditAction, AuditEvent
from lms.personal_data import personal_data
from tests.factories import (
    assessment_result,
    drill,
    in_english,
    make_certificate,
    make_cycle,
    make_session,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa_enforcement")]

D = Decimal
SECTIONS = [
    "profile",
    "learning",
    "sessions",
    "acknowledgements",
    "quizzes",
    "assessment",
    "certificates",
]


@pytest.fixture
def records(people, index, course):
    """The learner and the colleague each have a record of every kind; HR has looked at the
    learner's staff record."""
    essay, choice = questions.questions_import(
        [
            Q(QuestionType.ESSAY, "描述一次投诉处理。"),
            Q(
                QuestionType.SINGLE,
                "查询时效?",
                choices=(Choice("5分钟", D(1)), Choice("2小时", D(0))),
            ),
        ],
        default_category="客户服务知识",
    )
    quiz = QuizPage(title="客服测验", slug="q", pass_percent=D(50), review="after_close")
    course.add_child(instance=quiz)
    QuizSlot.objects.create(quiz=quiz, question=essay, sort_order=0, mark=D(4))
    QuizSlot.objects.create(quiz=quiz, question=choice, sort_order=1, mark=D(2))
    learning.assignment_create(
        by=people["hr"].user,
        course=course,
        people=[people["learner"].user, people["colleague"].user],
        note="=新员工必修",
    )
    learning.lesson_complete(user=people["learner"].user, lesson=course.lessons[0])
    from courses.models import PastCompletion  # a course done once before, given again

    PastCompletion.objects.create(
        user=people["learner"].user,
        course=course,
        completed_at=timezone.now(),
        archived_at=timezone.now(),
        why="证书已过期",
    )
    drill_page = drill(index.get_parent().specific)
    version = RubricVersion.objects.get(drill=drill_page)
    key = version.rubric.criteria[0].key
    session = make_session(
        people["trainer"],
        kind="drill",
        title="投诉演练第一场",
        drill=drill_page,
        rubric_version=version,
    )
    cycle = make_cycle(state=CycleState.COMPUTED, computed_at=timezone.now())
    text = ConfidentialityPage(title="信息安全与保密守则", slug="information-security", body=[])
    index.get_parent().add_child(instance=text)
    for who, essay_text in (("learner", "我先道歉。"), ("colleague", "我先复述问题。")):
        user = people[who].user
        attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(0))
        attempts.answer_save(attempt=attempt, position=1, data={"text": essay_text})
        attempts.attempt_submit(attempt=attempt)
        SignUp.objects.create(
            session=session, user=user, status="confirmed", queued_at=timezone.now()
        )
        evaluation = DrillEvaluation.objects.create(
            session=session,
            user=user,
            rubric_version=version,
            points={key: "2"},
            notes={key: f"{who}的评语"},
            evidence_name="照片.png",
        )
        evaluation.evidence.save("photo.png", ContentFile(f"{who}-photo".encode()))
        Reminder.objects.create(
            enrolment=Enrolment.objects.get(user=user, course=course), kind="due_soon"
        )
        assessment_result(cycle, people[who])
        appeal_raise(user=user, cycle=cycle, part="satisfaction", comment=f"{who}的申诉")
        make_certificate(user, course=course)
        acknowledge(user=user, page=text, version=1, ip_address="10.0.0.1")
    login_hr = people["hr"].user
    return {"quiz": quiz, "hr": login_hr}


def download(client):
    response = client.get("/account/my-data.zip", REMOTE_ADDR="10.5.5.5")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def csv_rows(archive, name):
    text = archive.read(f"{name}.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_archive_has_every_section_and_only_the_persons_rows(
    records, people, login, django_assert_max_num_queries
):
    login(people["hr"]).get("/staff/L001/")  # HR looks at the learner's record
    client = in_english(login(people["learner"]))
    # One query a section or two, whatever the number of rows (21 with the acknowledgements
    # and the completions kept from before a course was given again).
    with django_assert_max_num_queries(21):
        archive = download(client)
    assert archive.testzip() is None
    data = json.loads(archive.read("data.json"))
    assert data["person"] == "L001"
    assert list(data["sections"]) == SECTIONS
    assert personal_data.names() == SECTIONS

    tables = {
        name: table
        for section in data["sections"].values()
        for name, table in section.items()
        if name not in ("files", "missing_files")
    }
    for name, table in tables.items():
        assert table["rows"], name  # the learner has something of every kind
        assert f"{name}.csv" in archive.namelist()
    text = json.dumps(data, ensure_ascii=False)
    assert "L002" not in text and "李堃" not in text and "colleague" not in text
    assert "王喆" in text and "我先道歉。" not in text  # the quiz does not allow review yet

    assert tables["profile"]["rows"][0]["full_name"] == "王喆"
    assert [r["employee_number"] for r in tables["records_seen_by_others"]["rows"]] == ["HR01"]
    assert tables["enrolments"]["rows"][0]["lessons_done"] == 1
    assert tables["assignments"]["rows"][0]["note"] == "=新员工必修"
    scores = tables["drill_scores"]["rows"]
    assert [(r["criterion"], r["points"], r["note"]) for r in scores] == [
        ("安抚情绪", "2", "learner的评语"),
        ("记录完整", None, ""),
    ]
    assert [r["question"] for r in tables["appeals"]["rows"]] == ["learner的申诉"]
    assert tables["quiz_answers"]["rows"][0]["withheld"] is True
    parts = {r["part"] for r in tables["assessment_explanations"]["rows"]}
    assert "Overall" in parts and len(parts) == 5

    # The files kept for the person, and only theirs
    (certificate,) = tables["certificates"]["rows"]
    assert archive.read(certificate["pdf"]).startswith(b"%PDF")
    evidence = [n for n in archive.namelist() if n.startswith("drill_evidence/")]
    assert [archive.read(n) for n in evidence] == [b"learner-photo"]

    # The CSV files open in a spreadsheet, headed in the person's language, formulas inert
    (assignment,) = csv_rows(archive, "assignments")
    assert assignment["Note"] == "'=新员工必修"
    assert csv_rows(archive, "profile")[0]["Employee number"] == "L001"


def test_the_answers_are_in_once_the_quiz_allows_review(records, people, login):
    QuizPage.objects.filter(pk=records["quiz"].pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    archive = download(login(people["colleague"]))
    data = json.loads(archive.read("data.json"))
    answers = data["sections"]["quizzes"]["quiz_answers"]["rows"]
    assert answers[0]["answer"] == "我先复述问题。" and answers[0]["withheld"] is False
    assert "我先道歉。" not in json.dumps(data, ensure_ascii=False)


def test_the_download_is_audited_as_ones_own_export(records, people, login):
    download(login(people["learner"]))
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_EXPORTED)
    assert (event.actor, event.subject, event.ip_address) == (
        people["learner"].user,
        people["learner"].user,
        "10.5.5.5",
    )
    assert event.details["record"] == PersonalRecord.MY_DATA
    assert event.details["scope"] == {"sections": SECTIONS}
    # not shown to the person as someone else's look
    assert login(people["learner"]).get("/account/access/").context["rows"] == []


def test_someone_with_nothing_yet_gets_their_profile_and_empty_sections(people, login):
    archive = download(login(people["south"]))
    data = json.loads(archive.read("data.json"))
    assert data["sections"]["profile"]["profile"]["rows"][0]["employee_number"] == "L004"
    assert data["sections"]["quizzes"]["quiz_attempts"]["rows"] == []
    assert csv_rows(archive, "certificates") == []


def test_a_stored_file_lost_from_storage_is_named_not_fatal(records, people, login):
    evaluation = DrillEvaluation.objects.get(user=people["learner"].user)
    evaluation.evidence.delete(save=False)
    archive = download(login(people["learner"]))
    data = json.loads(archive.read("data.json"))
    assert data["sections"]["sessions"]["missing_files"] == [
        f"drill_evidence/{evaluation.pk}-照片.png"
    ]


def test_signing_in_is_needed(client):
    response = client.get("/account/my-data.zip")
    assert response.status_code == 302 and "/login" in response.url


def test_the_archive_takes_as_many_queries_for_many_records_as_for_one(
    records, people, login, course
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = people["learner"].user
    client = login(people["learner"])
    download(client)  # the first request of a session reads what later ones find cached
    with CaptureQueriesContext(connection) as one:
        download(client)
    attempt = attempts.attempt_start(quiz=records["quiz"], user=user, rng=random.Random(1))
    attempts.attempt_submit(attempt=attempt)
    learning.lesson_complete(user=user, lesson=course.lessons[1])
    earlier = make_cycle(
        "2026年第三季度",
        starts_on=datetime.date(2026, 7, 1),
        state=CycleState.COMPUTED,
        computed_at=timezone.now(),
    )
    assessment_result(earlier, people["learner"])
    appeal_raise(user=user, cycle=earlier, part="knowledge", comment="再问一次。")
    make_certificate(user, cycle=earlier)
    with CaptureQueriesContext(connection) as many:
        archive = download(client)
    data = json.loads(archive.read("data.json"))
    assert len(data["sections"]["quizzes"]["quiz_attempts"]["rows"]) == 2
    assert len(data["sections"]["assessment"]["appeals"]["rows"]) == 2
    assert len(data["sections"]["certificates"]["certificates"]["rows"]) == 2
    assert len(many) == len(one)
