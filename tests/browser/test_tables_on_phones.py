"""Every list that is a table on a desktop is a list of cards on a 360-px phone, in Chinese
and in English: no page is wider than the screen, and each row's main action (the grading
queue's "Grade", a file in the import history, a person in a quiz's results) lies within it.

The lists' data (a few rows each: answers waiting for grading, submitted attempts, imports
with and without problems, audit events, assignments, a drill session to score, a computed
cycle and certificates) is built once for the module with tests/factories.py and the
services; each test starts from a copy of it (as in test_accessibility.py).
"""

import datetime
import io
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from assessments.cycles.compute import cycle_compute
from assessments.imports import services as imports_services
from assessments.models import (
    AssessmentCycle,
    ImportBatch,
    QuizPage,
    QuizSlot,
    ScoringPolicy,
    SurveyResult,
    XapiStatement,
)
from assessments.questions import services as questions_services
from assessments.questions.data import Choice, QuestionType
from assessments.questions.data import Question as Q
from assessments.quizzes import services as quizzes_services
from courses.drills.selectors import current_rubric_version
from courses.learning import services as learning_services
from courses.models import SignUp, TrainingSession
from courses.sessions import services as sessions_services
from lms.models.audit import AuditAction, AuditEvent, PersonalRecord
from lms.roles import Role
from tests import factories
from tests.browser.conftest import PHONE, built_once, csp_refusals, sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The pages' markup does not depend on the database: checked once, in the SQLite run.
    pytest.mark.skipif(connection.vendor != "sqlite", reason="checked in the SQLite run"),
]

OCTOBER = datetime.date(2026, 10, 1)
# Long names, as real ones are: they must wrap inside their card, not widen the page.
LONG_QUIZ = "2026年第四季度客户服务与投诉处理知识考核(华东区收派员及客服专员)"
LONG_FILE = "2026年10月客户满意度调查结果_华东区_浦东站_第二批次_修订版.csv"


def _essay_quiz(course):
    """A quiz with an essay (graded by hand) and a single choice."""
    essay, single = questions_services.questions_import(
        [
            Q(QuestionType.ESSAY, "请描述一次您处理客户投诉的完整经过,包括如何道歉、核实与回访。"),
            Q(
                QuestionType.SINGLE,
                "查询服务时效?",
                choices=(Choice("5分钟", Decimal(1)), Choice("2小时", Decimal(0))),
            ),
        ],
        default_category=course.title,
    )
    quiz = QuizPage(title=LONG_QUIZ, slug="essay-quiz", pass_percent=Decimal(60))
    course.add_child(instance=quiz)
    QuizSlot.objects.create(quiz=quiz, question=essay, sort_order=0, mark=Decimal(4))
    QuizSlot.objects.create(quiz=quiz, question=single, sort_order=1, mark=Decimal(2))
    return quiz


def _take(quiz, user, choice):
    attempt = quizzes_services.attempt_start(quiz=quiz, user=user, rng=random.Random(0))
    quizzes_services.answer_save(attempt=attempt, position=1, data={"text": "我先道歉,然后……"})
    order = attempt.items.get(position=2).option_order
    quizzes_services.answer_save(attempt=attempt, position=2, data={"choice": order[choice]})
    return quizzes_services.attempt_submit(attempt=attempt)


def _build() -> dict[str, str]:
    """The lists' world; returns the address of each page that needs one."""
    org = factories.org_tree()
    learners = [
        factories.staff(org["pudong-team"], roles=[Role.LEARNER], name=name, number=number)
        for name, number in (("王喆", "L001"), ("欧阳娜娜", "L002"), ("李堃", "L003"))
    ]
    lead = factories.staff(
        org["east"], roles=[Role.LEARNER, Role.TRAINER, Role.LEAD_TRAINER],
        position="trainer", name="林海峰", number="TR01", trainer_units=[org["east"]],
    ).user  # fmt: skip
    hr = factories.staff(org["co"], roles=[Role.LEARNER, Role.HR], position="hr", number="HR01")
    factories.staff(org["co"], roles=[Role.ADMINISTRATOR], position="manager", number="AD01")

    # A course assigned to the learners, a quiz taken by each: answers wait for grading.
    index = factories.training_site()
    course, lessons = factories.course(index, "客户服务知识与投诉处理规范", lessons=1)
    learning_services.assignment_create(
        by=hr.user, course=course, people=[p.user for p in learners],
        due_on=timezone.localdate() + datetime.timedelta(days=3), note="新员工入职培训",
    )  # fmt: skip
    learning_services.lesson_complete(user=learners[0].user, lesson=lessons[0])
    quiz = _essay_quiz(course)
    attempts = [_take(quiz, p.user, n % 2) for n, p in enumerate(learners)]
    essay = attempts[0].items.get(position=1)
    quizzes_services.item_grade_manually(item=essay, score=Decimal(3), comment="好", by=lead)

    # A drill session last week with a participant to score.
    training = index.get_parent().specific
    drill = factories.drill(training, publish_by=lead)
    now = timezone.now().replace(microsecond=0)
    past = TrainingSession.objects.create(
        kind="drill", title="投诉处理演练 第一场", drill=drill,
        rubric_version=current_rubric_version(drill), place="浦东站二楼培训室", trainer=lead,
        capacity=8, starts_at=now - datetime.timedelta(days=7),
        ends_at=now - datetime.timedelta(days=7, hours=-1),
    )  # fmt: skip
    past.audience_units.set([org["east"]])
    for profile in learners:
        SignUp.objects.create(
            session=past, user=profile.user, status="confirmed", queued_at=past.starts_at
        )
        sessions_services.attendance_mark(session=past, user=profile.user, present=True, by=lead)

    # Imports: one file imported, one with problems.
    good = factories.csv_bytes(
        "surveys", [factories.survey("S-1"), factories.survey("S-2", "L002")], language="zh"
    )
    batch = imports_services.import_upload(
        kind="surveys", name=LONG_FILE, stream=io.BytesIO(good), by=hr.user
    )
    batch.refresh_from_db()
    imports_services.import_confirm(batch=batch, by=hr.user)
    bad = factories.csv_bytes(
        "surveys",
        [factories.survey("S-3", number="NOBODY"), factories.survey("S-4", score="9")],
        language="zh",
    )
    rejected = imports_services.import_upload(
        kind="surveys", name="满意度调查-有错误.csv", stream=io.BytesIO(bad), by=hr.user
    )

    # This quarter's cycle, computed; a certificate for the learner.
    SurveyResult.objects.get_or_create(
        user=learners[0].user, reference="S-9",
        defaults={"date": OCTOBER, "source": "phone", "score": Decimal(90), "scale": "percent"},
    )  # fmt: skip
    cycle = AssessmentCycle.objects.create(
        name="2026年第四季度考核", starts_on=OCTOBER, ends_on=datetime.date(2026, 12, 31),
        policy=ScoringPolicy.objects.get(version=1),
    )  # fmt: skip
    cycle_compute(cycle)
    factories.make_certificate(learners[0].user, cycle=cycle, serial="2026-A-900001")

    # Someone else has looked at the learner's result: the audit log and "who has seen".
    AuditEvent.objects.create(
        action=AuditAction.PERSONAL_VIEWED, actor=hr.user, actor_label="HR01",
        subject=learners[0].user, subject_label="L001", object_repr=cycle.name,
        ip_address="203.0.113.200",
        details={"record": PersonalRecord.RESULT, "roles": ["HR", "Learner"]},
    )  # fmt: skip

    # Learning records the LRS did not take, with its long answers.
    XapiStatement.objects.bulk_create(
        XapiStatement(
            statement_id=f"00000000-0000-5000-8000-{n:012d}", kind="lesson-completed",
            person="L001", payload={}, created_at=timezone.now(),
            next_attempt_at=timezone.now(), attempts=3,
            last_error='HTTP 422: {"detail":[{"type":"missing","loc":["body",1,"verb","id"],'
            '"msg":"Field required","url":"https://errors.pydantic.dev/2.14/v/missing"}]}',
        )
        for n in range(3)
    )  # fmt: skip

    return {
        "quiz_results": f"/learning/quizzes/{quiz.pk}/results/",
        "quiz_analysis": f"/learning/quizzes/{quiz.pk}/analysis/",
        "scoring": f"/learning/sessions/{past.pk}/scoring/",
        "import_detail": f"/data/imports/{ImportBatch.objects.get(pk=rejected.pk).pk}/",
        "import_done": f"/data/imports/{batch.pk}/",
        "cycle": f"/assessment/cycles/{cycle.pk}/",
        "staff_detail": "/staff/L001/",
        "my_cycle": f"/assessment/mine/{cycle.pk}/",
        "drill": drill.url,
    }


@pytest.fixture(scope="module")
def world(browser, live_server, django_db_blocker):
    """The lists' data, built once; each test starts from a copy of it."""
    with built_once(django_db_blocker, _build) as urls:
        yield urls


TRAINER, HR, LEARNER, ADMIN = "TR01", "HR01", "L001", "AD01"

# (name, who, address or a key of `world`, the table's rows' main action or None)
PAGES = [
    ("grading-queue", TRAINER, "/learning/grading/", "table.stack tbody tr [data-primary]"),
    ("quiz-list", TRAINER, "/learning/quizzes/", "table.stack tbody tr [data-primary]"),
    ("quiz-results", TRAINER, "quiz_results", "table.stack tbody tr [data-primary]"),
    ("quiz-analysis", TRAINER, "quiz_analysis", None),
    ("assignments", TRAINER, "/learning/assignments/", None),
    ("report", TRAINER, "/learning/reports/", "[data-people-link]"),
    ("report-people", TRAINER, "/learning/reports/people/", "table.stack tbody tr [data-primary]"),
    ("sessions-to-run", TRAINER, "/learning/sessions/run/", ".session-list .button"),
    ("scoring", TRAINER, "scoring", "table.stack tbody tr [data-primary]"),
    # The rubric: a card per criterion, within the screen (it scrolled sideways before).
    ("drill-rubric", TRAINER, "drill", "table.rubric.stack tbody"),
    ("imports", HR, "/data/imports/", "table[data-import-history] tbody tr [data-primary]"),
    ("import-problems", HR, "import_detail", None),
    ("import-done", HR, "import_done", None),
    ("staff", HR, "/staff/", "table.stack tbody tr [data-primary]"),
    ("staff-detail", HR, "staff_detail", None),
    ("org", HR, "/org/", "table.stack tbody tr [data-primary]"),
    ("audit-log", HR, "/audit/", None),
    ("cycles", HR, "/assessment/cycles/", None),
    ("cycle", HR, "cycle", None),
    ("policy", HR, "/assessment/policy/", "table[data-versions] tbody tr [data-primary]"),
    ("policy-edit", HR, "/assessment/policy/edit/", None),
    ("appeals", HR, "/assessment/appeals/", None),
    ("certificates", HR, "/assessment/certificates/", None),
    ("certificates-print", HR, "/assessment/certificates/print/", None),
    ("my-certificates", LEARNER, "/certificates/", None),
    ("my-assessment", LEARNER, "my_cycle", None),
    ("account-access", LEARNER, "/account/access/", None),
    ("learning-records", ADMIN, "/data/learning-records/", None),
]

LANGUAGES = [("zh-hans", "zh-CN"), ("en", "en-US")]


def _choose_language(page, code):
    """The language as a person picks it: the site's own switch (a cookie)."""
    page.context.add_cookies([{"name": "lms_language", "value": code, "url": page.url}])


def _problems(page, url, language, action) -> list[str]:
    """What is wrong with the page at `url` on a phone, as sentences (none: it fits)."""
    response = page.goto(url)
    if response.status != 200:
        return [f"{url}: HTTP {response.status}"]
    problems = []
    if page.evaluate("document.documentElement.lang").lower() != language:
        problems.append(f"{url}: not in {language}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"{url} in {language} is {width} px wide")
    # Every table on the page is a list of cards (or scrolls inside its own wrapper).
    if not page.evaluate(
        """() => [...document.querySelectorAll('main table')].every(t =>
            t.classList.contains('stack') ? getComputedStyle(t).display === 'block'
            : t.closest('.table-wrap') !== null)"""
    ):
        problems.append(f"{url}: a table is neither cards nor in a .table-wrap")
    # The small links that are a row's way on are whole tap targets (44 x 44 px at least).
    for box in (a.bounding_box() for a in page.locator("main a.tap-target").all()):
        if box and (box["width"] < 44 or box["height"] < 44):
            problems.append(f"{url} in {language}: a link of {box['width']}x{box['height']} px")
    if action is not None:
        boxes = [box for box in (a.bounding_box() for a in page.locator(action).all()) if box]
        if not boxes:
            problems.append(f"{url}: no row's action ({action}) found")
        problems += [
            f"{url} in {language}: an action at x={box['x']}, {box['width']} px wide"
            for box in boxes
            if box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]
        ]
    return problems


# One browser session a person and a language, through all of their lists: a sign-in and a
# copy of the data each, not one per page.
@pytest.mark.parametrize(("language", "locale"), LANGUAGES, ids=[code for code, _ in LANGUAGES])
@pytest.mark.parametrize("who", [TRAINER, HR, LEARNER, ADMIN])
def test_the_lists_fit_a_phone(browser, live_server, settings, world, who, language, locale):
    settings.LMS_ENFORCE_MFA = False
    context = browser.new_context(viewport=PHONE, locale=locale, base_url=live_server.url)
    context.set_default_timeout(10_000)
    refused = csp_refusals(context)
    page = context.new_page()
    try:
        sign_in(page, who, factories.PASSWORD)
        _choose_language(page, language)
        problems = []
        for _name, person, address, action in PAGES:
            if person == who:
                problems += _problems(page, world.get(address, address), language, action)
        assert problems == []
        assert refused == []
    finally:
        context.close()
