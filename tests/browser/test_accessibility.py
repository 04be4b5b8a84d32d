"""Every page a learner reaches passes axe-core's WCAG 2.1 A and AA rules, in Chinese on a
360-px phone.

The pages' data (a course, quizzes and attempts, a computed cycle, a certificate, sessions
and a drill result) is built once for the module: the database as built is kept as the
copy that each (transactional) test starts from, in place of the migrations' copy, which is
put back afterwards. Each page is a test of its own, so a failure names the page, and its
message lists each rule broken, its impact and the elements that break it.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from assessments.cycles.compute import cycle_compute
from assessments.models import AssessmentCycle, Certificate, ScoringPolicy, SurveyResult
from assessments.quizzes import services as quizzes_services
from courses.drills.selectors import current_rubric_version
from courses.learning import services
from courses.models import ConfidentialityPage, SignUp, TrainingSession
from courses.sessions import services as sessions_services
from lms.models.audit import AuditAction, AuditEvent, PersonalRecord
from lms.roles import Role
from tests import factories
from tests.browser.builders import LESSON_BODY, module_test
from tests.browser.conftest import (
    PHONE,
    axe_violations,
    built_once,
    csp_refusals,
    describe_violations,
    sign_in,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The pages' markup does not depend on the database: checked once, in the SQLite run
    # (the module's one-off data set is restored by flushing, which on PostgreSQL also
    # restarts the sequences under the rows it puts back).
    pytest.mark.skipif(connection.vendor != "sqlite", reason="checked in the SQLite run"),
]

OCTOBER = datetime.date(2026, 10, 1)


def _build() -> dict[str, str]:
    """The learner's world; returns the address of each page that needs one."""
    org = factories.org_tree()
    learner = factories.staff(org["pudong-team"], roles=[Role.LEARNER], name="王喆", number="L001")
    factories.staff(org["pudong-team"], roles=[Role.LEARNER], name="李堃", number="L002")
    lead = factories.staff(
        org["east"], roles=[Role.LEARNER, Role.TRAINER, Role.LEAD_TRAINER],
        position="trainer", name="林海峰", number="TR01", trainer_units=[org["east"]],
    ).user  # fmt: skip
    hr = factories.staff(org["co"], roles=[Role.LEARNER, Role.HR], position="hr", number="HR01")
    user = learner.user

    # Training: a course half done (its lesson with a knowledge check still to read), with
    # a graded attempt, one in progress and a quiz not yet started; a finished course and
    # its certificate.
    index = factories.training_site()
    course, lessons = factories.course(index, "客户服务知识", lessons=2, body=LESSON_BODY)
    # The information-security text, not yet acknowledged: the notices on home and My learning.
    information_security = ConfidentialityPage(
        title="信息安全与保密守则", slug="information-security", body=LESSON_BODY
    )
    index.get_parent().add_child(instance=information_security)
    services.assignment_create(
        by=hr.user, course=course, people=[user],
        due_on=timezone.localdate() + datetime.timedelta(days=2),
    )  # fmt: skip
    services.lesson_complete(user=user, lesson=lessons[0])
    graded_quiz = module_test(course, title="客服测验", slug="quiz")
    graded = quizzes_services.attempt_start(quiz=graded_quiz, user=user)
    quizzes_services.answer_save(attempt=graded, position=1, data={"choice": "0"})
    quizzes_services.answer_save(attempt=graded, position=2, data={"truth": "false"})
    quizzes_services.attempt_submit(attempt=graded)
    open_quiz = module_test(course, title="客服练习", slug="practice")
    in_progress = quizzes_services.attempt_start(quiz=open_quiz, user=user)
    quizzes_services.answer_save(attempt=in_progress, position=1, data={"choice": "1"})
    new_quiz = module_test(course, title="客服期末测验", slug="final")
    finished, (only_lesson,) = factories.course(index, "企业文化", module="culture", lessons=1)
    services.course_start(user=user, course=finished)
    services.lesson_complete(user=user, lesson=only_lesson)
    certificate = Certificate.objects.get(user=user)

    # Live training: a drill scored last week, a classroom session next week.
    training = index.get_parent().specific
    drill = factories.drill(training, publish_by=lead)
    now = timezone.now().replace(microsecond=0)
    past = TrainingSession.objects.create(
        kind="drill", title="投诉处理演练 第一场", drill=drill,
        rubric_version=current_rubric_version(drill), place="浦东站二楼", trainer=lead,
        capacity=8, starts_at=now - datetime.timedelta(days=7),
        ends_at=now - datetime.timedelta(days=7, hours=-1),
    )  # fmt: skip
    past.audience_units.set([org["east"]])
    SignUp.objects.create(session=past, user=user, status="confirmed", queued_at=past.starts_at)
    sessions_services.attendance_mark(session=past, user=user, present=True, by=lead)
    for criterion in past.rubric_version.rubric.criteria:
        evaluation = sessions_services.evaluation_score(
            session=past, participant=user, criterion=criterion.key,
            points=criterion.levels[0].points, note="语气平稳。", by=lead,
        )  # fmt: skip
    sessions_services.evaluation_comment(
        session=past, participant=user, comment="表现很好。", by=lead
    )
    upcoming = sessions_services.session_schedule(
        by=lead, kind="classroom", title="客服礼仪课堂", place="浦东站二楼", trainer=lead,
        capacity=10, starts_at=now + datetime.timedelta(days=7),
        ends_at=now + datetime.timedelta(days=7, hours=2), audience_units=[org["east"]],
    )  # fmt: skip
    sessions_services.signup_create(session=upcoming, user=user)

    # The assessment: this quarter's cycle, computed.
    SurveyResult.objects.create(
        user=user, reference="S-1", date=OCTOBER, source="phone", score=Decimal(90),
        scale="percent",
    )  # fmt: skip
    cycle = AssessmentCycle.objects.create(
        name="2026年第四季度考核", starts_on=OCTOBER, ends_on=datetime.date(2026, 12, 31),
        policy=ScoringPolicy.objects.get(version=1),
    )  # fmt: skip
    cycle_compute(cycle)

    # Someone else has looked at the learner's result: the page of who has seen it.
    AuditEvent.objects.create(
        action=AuditAction.PERSONAL_VIEWED, actor=hr.user, actor_label="HR01", subject=user,
        subject_label="L001", object_repr=cycle.name,
        details={"record": PersonalRecord.RESULT, "roles": ["HR", "Learner"]},
    )  # fmt: skip

    return {
        "training": training.url,
        "information_security": information_security.url,
        "course": course.url,
        "lesson": lessons[1].url,
        "quiz": new_quiz.url,
        "attempt": f"/learning/attempts/{in_progress.pk}/",
        "check": f"/learning/attempts/{in_progress.pk}/submit/",
        "result": f"/learning/attempts/{graded.pk}/result/",
        "appeal": f"/assessment/mine/{cycle.pk}/question/satisfaction/",
        "session": f"/learning/sessions/{upcoming.pk}/",
        "drill": drill.url,
        "drill_result": f"/learning/drills/results/{evaluation.pk}/",
        "verify_result": f"/verify/{certificate.code}/",
        "check_in": "/learning/check-in/?code=" + sessions_services.check_in_token(upcoming),
    }


@pytest.fixture(scope="module")
def world(browser, live_server, django_db_blocker):
    """The pages' data, built once; each test starts from a copy of it."""
    with built_once(django_db_blocker, _build) as urls:
        yield urls


# (name, address or a key of `world`, signed in)
PAGES = [
    ("home", "/", True),
    ("my-learning", "/learning/", True),
    ("catalogue", "/learning/catalogue/", True),
    ("search", "/learning/search/?q=时效", True),
    ("training-home", "training", True),
    ("information-security", "information_security", True),
    ("course", "course", True),
    ("lesson", "lesson", True),
    ("quiz-start", "quiz", True),
    ("attempt", "attempt", True),
    ("attempt-check", "check", True),
    ("result", "result", True),
    ("my-assessment", "/assessment/mine/", True),
    ("appeal-form", "appeal", True),
    ("my-certificates", "/certificates/", True),
    ("sessions", "/learning/sessions/", True),
    ("session", "session", True),
    ("my-sessions", "/learning/sessions/mine/", True),
    ("drill", "drill", True),
    ("drill-results", "/learning/drills/results/", True),
    ("drill-result", "drill_result", True),
    ("check-in", "check_in", True),
    ("account", "/account/", True),
    ("account-access", "/account/access/", True),
    ("password-change", "/accounts/password/change/", True),
    ("mfa", "/accounts/2fa/", True),
    ("mfa-activate", "/accounts/2fa/totp/activate/", True),
    ("not-found", "/learning/no-such-page/", True),
    ("login", "/accounts/login/", False),
    ("password-reset", "/accounts/password/reset/", False),
    ("verify-form", "/verify/", False),
    ("verify-result", "verify_result", False),
    ("not-found-signed-out", "/no-such-page/", False),
]


def _answer_the_knowledge_check(page):
    page.get_by_label("2小时内").check()
    expect(page.locator(".choice-feedback.wrong")).to_be_visible()


def _submit_empty(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".errorlist, .error, [aria-invalid=true]").first).to_be_attached()


def _change_password_wrongly(page):
    page.locator("input[name=oldpassword]").fill("wrong-password")
    page.locator("input[name=password1]").fill("a-new-pass-2026")
    page.locator("input[name=password2]").fill("another-pass-2026")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".errorlist, .error, [aria-invalid=true]").first).to_be_attached()


def _sign_in_wrongly(page):
    page.fill("input[name=login]", "L001")
    page.fill("input[name=password]", "wrong-password")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    expect(page.locator(".errorlist, .error, [role=alert]").first).to_be_attached()


NOT_FOUND = {"/learning/no-such-page/", "/no-such-page/", "/verify/AAAA-BBBB-CCCC-DDDD/"}

# The same pages in another state: an answer's feedback shown, a form's errors.
STATES = [
    ("lesson-answered", "lesson", True, _answer_the_knowledge_check),
    ("appeal-form-errors", "appeal", True, _submit_empty),
    ("password-change-errors", "/accounts/password/change/", True, _change_password_wrongly),
    ("login-errors", "/accounts/login/", False, _sign_in_wrongly),
    ("verify-unknown-code", "/verify/AAAA-BBBB-CCCC-DDDD/", False, None),
]


@pytest.mark.parametrize(
    ("address", "signed_in", "then"),
    [(*p[1:], None) for p in PAGES] + [s[1:] for s in STATES],
    ids=[p[0] for p in PAGES] + [s[0] for s in STATES],
)
def test_the_page_passes_axe(browser, live_server, settings, world, address, signed_in, then):
    settings.LMS_ENFORCE_MFA = False
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(10_000)
    refused = csp_refusals(context)
    page = context.new_page()
    try:
        if signed_in:
            sign_in(page, "L001", factories.PASSWORD)
        url = world.get(address, address)
        response = page.goto(url)
        expected = 404 if url in NOT_FOUND else 200
        assert response.status == expected, f"{url}: HTTP {response.status}"
        assert page.evaluate("document.documentElement.lang") == "zh-Hans"
        if then is not None:
            then(page)
        violations = axe_violations(page)
        assert not violations, describe_violations(url, violations)
        assert refused == []
    finally:
        context.close()
