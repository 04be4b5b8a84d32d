"""Every page of the site's own front end, for every role, in both languages, on a 360 x 640
phone: nothing wider than the screen, the shell within its fifth of the height, axe-core's
WCAG 2.1 A and AA rules kept, primary actions at least 44 x 44 px and every other tap
target at least 24 x 24 px (WCAG 2.2, 2.5.8: its inline-link and spacing exceptions).

The pages come from the URL conf: each named pattern of our apps is either in `ROUTES` (the
roles that open it, the objects its parameters point at) or in `EXCLUDED` with the reason
(it answers a POST, a file, JSON, or a redirect); a pattern added without either fails
`test_every_url_pattern_is_in_the_matrix`, as a page type added without a row in
`PAGE_TYPES` fails `test_every_page_type_is_in_the_matrix`. The error pages (400, 403, 404,
500, a refused form) are caused for real; a learner who opens /cms/ is told once.

The data (tests/browser/test_accessibility.py's learner's world, with a trainer's, a lead
trainer's, HR's and an administrator's) is built once for the module; one browser context a
role and a language signs in once and loads each of its pages once, every check on the
same load (about 340 page loads in all). Who opens what: the pages everyone signed in has
(the home page, My learning, the account, one's sessions, results and certificates, the staff
list for staff) are opened by each tab bar's role (the lead trainer's is the trainer's); one
record of one's own (an attempt, a result, a drill result) by the learner, whose records are
built; each staff page by the roles whose view of it differs (a trainer's and HR's cycles,
the lead trainer's sessions, HR's and the administrator's staff and organisation pages).

Wagtail's own admin (`ADMIN`: the dashboard, the page explorer, the editors of a lesson and a
drill, a drill waiting for review and its workflow history, for trainers, the lead trainer,
HR and the administrator) is not ours to restyle: it is checked for width and by axe, less
the rules its own widgets break (`ADMIN_AXE`); its header and its 24 to 42-px icon buttons are
Wagtail's, so the shell and tap-target checks are left out there.

`MATRIX_SHOTS=/some/folder` saves a full-page screenshot of every page checked.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import os
import re

import pytest
from django.db import connection
from django.urls import reverse

from lms.roles import Role
from tests import factories
from tests.browser.conftest import (
    axe_violations,
    built_once,
    csp_refusals,
    describe_violations,
    sign_in,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # The pages' markup does not depend on the database: checked once, in the SQLite run.
    pytest.mark.skipif(connection.vendor != "sqlite", reason="checked in the SQLite run"),
]

SCREEN = {"width": 360, "height": 640}
SHELL_MAX = 0.2 * SCREEN["height"]  # the top bar and the tab bar together
LANGUAGES = {"zh-hans": "zh-CN", "en": "en-US"}
# MATRIX_SHOTS=/some/folder: a full-page screenshot of every page checked, to look at.
SHOTS = os.environ.get("MATRIX_SHOTS", "")

# The primary actions, which must be at least 44 x 44 px: the buttons of the page's content.
PRIMARY = (
    "main button, main .button, main input[type=submit], main input[type=button], "
    "main input[type=reset]"
)
# Everything else one taps, which must be at least 24 x 24 px (or spaced, or a link in a
# sentence).
TARGETS = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    "[role=button], [role=link], [role=tab], [role=menuitem]"
)

# The people, by role (the employee numbers of `_build`); "anonymous" signs no one in.
PEOPLE = {
    "anonymous": None,
    "learner": "L001",
    "trainer": "T001",
    "lead": "TR01",
    "hr": "HR01",
    "admin": "A001",
}
SIGNED_IN = ("learner", "trainer", "lead", "hr", "admin")
STAFF = ("trainer", "lead", "hr", "admin")
TRAINERS = ("trainer", "lead")
HR = ("hr", "admin")
# The pages of one's own learning, for the learner (whose records are built) and for staff
# of each tab bar (the trainers', HR's, the administrator's), with none.
OWN = ("learner", "trainer", "hr", "admin")


SSO_PROVIDERS = {
    "dingtalk": {"SCOPE": ["openid", "corpid"], "APPS": [{"client_id": "ding", "secret": "s"}]},
    "feishu": {"APPS": [{"client_id": "cli_feishu", "secret": "s"}]},
}


@dataclasses.dataclass(frozen=True)
class Route:
    """A named URL pattern that renders a page for GET: who opens it, with which objects."""

    who: tuple[str, ...]
    kwargs: dict = dataclasses.field(default_factory=dict)  # parameter -> key of the world
    query: str = ""
    status: int = 200
    tabs: bool = True  # the tab bar is shown (not on a page for a projector)


# fmt: off
ROUTES: dict[str, Route] = {
    # Learning
    "learning:my_learning":          Route(SIGNED_IN),
    "learning:search":               Route(("anonymous", "learner", "trainer"), query="q=时效"),
    "learning:assignment_list":      Route(STAFF),
    "learning:assignment_create":    Route(("trainer", "hr")),
    "learning:report":               Route(("trainer", "lead", "hr")),
    "learning:report_people":        Route(("trainer", "hr")),
    "acknowledgements:report":       Route(HR),
    # Live sessions
    "sessions:session_list":         Route(OWN),
    "sessions:my_sessions":          Route(OWN),
    "sessions:session_detail":       Route(("learner", "lead"), {"session_id": "session"}),
    "sessions:my_drill_results":     Route(OWN),
    "sessions:drill_result":         Route(("learner",), {"evaluation_id": "evaluation"}),
    "sessions:check_in":             Route(("learner",), query="code={check_in_code}"),
    "sessions:sessions_to_run":      Route(("trainer", "lead", "admin")),
    "sessions:session_attendance":   Route(("lead",), {"session_id": "drill_session"}),
    # The check-in code, full screen for a projector: no shell.
    "sessions:session_check_in_code": Route(("lead",), {"session_id": "session"}, tabs=False),
    "sessions:session_scoring":      Route(("lead",), {"session_id": "drill_session"}),
    "sessions:evaluation_edit":      Route(("lead",), {"session_id": "drill_session",
                                                       "user_id": "learner_id"}),
    "sessions:session_schedule":     Route(("lead",)),
    "sessions:session_edit":         Route(("lead",), {"session_id": "session"}),
    # Quizzes
    "quizzes:attempt":               Route(("learner",), {"attempt_id": "attempt"}),
    # the check before sending
    "quizzes:submit":                Route(("learner",), {"attempt_id": "attempt"}),
    "quizzes:result":                Route(("learner",), {"attempt_id": "graded"}),
    "quizzes:quiz_list":             Route(("trainer", "hr")),
    "quizzes:quiz_results":          Route(("trainer",), {"quiz_id": "essay_quiz"}),
    "quizzes:quiz_analysis":         Route(("trainer",), {"quiz_id": "essay_quiz"}),
    "quizzes:grading_queue":         Route(TRAINERS),
    "quizzes:grade_item":            Route(("trainer",), {"item_id": "essay_item"}),
    "quizzes:question_regrade":      Route(("trainer", "admin"), {"question_id": "question"}),
    # HR's imports
    "imports:import_list":           Route(HR),
    "imports:import_detail":         Route(("hr",), {"batch_id": "batch"}),
    # Scoring policy, cycles, results and appeals
    "scoring:policy":                Route(("hr",)),
    "scoring:policy_edit":           Route(("hr",)),
    "scoring:policy_version":        Route(("hr",), {"version": "policy_version"}),
    "cycles:cycle_list":             Route(("trainer", "hr")),
    "cycles:cycle_create":           Route(("hr",)),
    "cycles:cycle_detail":           Route(("trainer", "hr"), {"cycle_id": "cycle"}),
    "cycles:dashboard":              Route(("trainer", "hr"), {"cycle_id": "cycle"}),
    "cycles:mine":                   Route(OWN),
    "cycles:mine_cycle":             Route(("learner",), {"cycle_id": "cycle"}),
    "cycles:appeal_raise":           Route(("learner",), {"cycle_id": "cycle", "part": "part"}),
    "cycles:person":                 Route(("trainer", "hr"), {"cycle_id": "cycle",
                                                               "user_id": "learner_id"}),
    "cycles:appeal_list":            Route(("hr",)),
    "cycles:appeal_detail":          Route(("hr",), {"appeal_id": "appeal"}),
    "retraining:rule_list":          Route(("lead", "hr")),
    "retraining:rule_create":        Route(("lead", "hr")),
    "retraining:rule_edit":          Route(("lead",), {"rule_id": "rule"}),
    # Certificates
    "certificates:mine":             Route(OWN),
    "certificates:certificate_list": Route(HR),
    "certificates:certificate_detail": Route(("hr",), {"pk": "certificate"}),
    "certificates:certificate_print": Route(("hr",)),
    "certificates:print_job":        Route(("hr",), {"job_id": "print_job"}),
    "certificates:verify_form":      Route(("anonymous",)),
    "certificates:verify":           Route(("anonymous", "learner"), {"code": "certificate_code"}),
    # People and the organisation
    "lms:account":                   Route(SIGNED_IN),
    "lms:account_access":            Route(OWN),
    "lms:staff_list":                Route(STAFF),
    "lms:staff_create":              Route(HR),
    "lms:staff_detail":              Route(("learner", "trainer", "hr", "admin"),
                                           {"employee_number": "learner_number"}),
    "lms:org_tree":                  Route(HR),
    "lms:org_unit_robots":           Route(("admin",), {"code": "unit_code"}),
    "lms:audit_log":                 Route(HR),
    # The administrators' connections: integration tokens, learning records
    "integrations:token_list":       Route(("admin",)),
    "integrations:token_create":     Route(("admin",)),
    "xapi:outbox":                   Route(("admin",)),
    # Notifications
    "notifications:inbox":           Route(SIGNED_IN),
    "notifications:preferences":     Route(SIGNED_IN),
    "notifications:failures":        Route(("admin",)),
    # allauth's pages, in our templates
    "account_login":                 Route(("anonymous",)),
    "account_reset_password":        Route(("anonymous",)),
    "account_change_password":       Route(("learner",)),
    "sso_reauthenticate":            Route(("learner", "hr")),
    "mfa_index":                     Route(("learner", "hr")),
    "mfa_activate_totp":             Route(("learner",)),
}

EXCLUDED: dict[str, str] = {
    "healthz": "plain text for the load balancer",
    "set_language": "answers a POST with a redirect (the language form is on every page)",
    "wagtail_serve": "Wagtail's pages: one row per page type in PAGE_TYPES",
    "learning:catalogue": "a redirect to the course index (in PAGE_TYPES)",
    "learning:course_start": "answers a POST with a redirect",
    "learning:lesson_complete": "answers a POST with a redirect",
    "learning:reminder_dismiss": "answers a POST with a redirect",
    "learning:assignment_cancel": "answers a POST with a redirect",
    "acknowledgements:acknowledge": "answers a POST with a redirect",
    "sessions:my_sessions_ics": "an iCalendar file",
    "sessions:session_ics": "an iCalendar file",
    "sessions:session_signup": "answers a POST with a redirect",
    "sessions:session_cancel": "answers a POST with a redirect",
    "sessions:session_check_in_code_json": "JSON for the check-in code's page",
    "sessions:evaluation_criterion": "answers a POST (a score, saved as it is tapped)",
    "sessions:evaluation_evidence": "the photo of a drill's evidence",
    "sessions:session_cancel_by_trainer": "answers a POST with a redirect",
    "quizzes:start": "answers a POST with a redirect",
    "quizzes:answer": "answers a POST (an answer, saved as it is given)",
    "imports:import_status": "JSON for the import's progress",
    "imports:import_confirm": "answers a POST with a redirect",
    "imports:import_cancel": "answers a POST with a redirect",
    "imports:import_problems": "a CSV or Excel file",
    "imports:template": "a CSV or Excel file",
    "cycles:cycle_status": "JSON for the computation's progress",
    "cycles:cycle_compute": "answers a POST with a redirect",
    "cycles:cycle_finalise": "answers a POST with a redirect",
    "cycles:cycle_export": "an Excel file",
    "retraining:rule_deactivate": "answers a POST with a redirect",
    "certificates:download": "a PDF file",
    "certificates:certificate_revoke": "answers a POST with a redirect",
    "certificates:certificate_reissue": "answers a POST with a redirect",
    "certificates:certificate_issue": "answers a POST with a redirect",
    "certificates:print_job_status": "JSON for the print job's progress",
    "certificates:print_job_download": "a PDF file",
    "lms:my_data": "a ZIP file",
    "lms:staff_invite": "answers a POST with a redirect",
    "lms:staff_leave": "answers a POST with a redirect",
    "lms:staff_reinstate": "answers a POST with a redirect",
    "lms:staff_roles": "answers a POST with a redirect",
    "lms:org_company_add": "answers a POST with a redirect",
    "lms:org_unit_add": "answers a POST with a redirect",
    "lms:org_unit_robot_test": "answers a POST with a redirect",
    "notifications:open": "answers a POST with a redirect",
    "notifications:read_all": "answers a POST with a redirect",
    "notifications:retry": "answers a POST with a redirect",
    # Our views inside Wagtail's admin: in ADMIN below, where Wagtail's layout is checked.
    "wagtailsnippets_assessments_question:edit": "in Wagtail's admin: in ADMIN",
    "question_files:files": "in Wagtail's admin: in ADMIN",
    "certificate_templates:edit": "in Wagtail's admin: in ADMIN",
    "question_files:export": "a CSV or Excel file",
    "question_files:template": "a CSV or Excel file",
    "certificate_templates:preview_pdf": "a PDF file",
    "imports:import_retry": "answers a POST with a redirect",
    "certificates:print_job_retry": "answers a POST with a redirect",
    "integrations:token_rotate": "answers a POST (the new secret, shown once)",
    "integrations:token_revoke": "answers a POST with a redirect",
    "xapi:retry": "answers a POST with a redirect",
    "media": "an uploaded image's file",
    "wagtailusers_groups:index": "in Wagtail's admin (its list of groups, our view of it)",
    "wagtailusers_groups:index_results": "in Wagtail's admin (its list of groups, our view of it)",
    # The API for HR systems: JSON for machines (docs/api.md); its documentation page is
    # django-ninja's Swagger UI, checked under the site's CSP by tests/browser/test_api_pages.py.
    "api:api-root": "JSON for machines (the API's root)",
    "api:openapi-json": "the API's OpenAPI schema (JSON)",
    "api:not_found": "JSON for machines (the API's 404 for a path that is no endpoint)",
    "api:openapi-view": "django-ninja's Swagger UI, not the site's layout (test_api_pages.py)",
    "api:roster": "JSON for machines (the API)",
    "api:metrics_surveys": "JSON for machines (the API)",
    "api:metrics_complaints": "JSON for machines (the API)",
    "api:metrics_efficiency": "JSON for machines (the API)",
    "api:metrics_teamwork": "JSON for machines (the API)",
    "api:cycles": "JSON for machines (the API)",
    "api:results": "JSON for machines (the API)",
    "api:certificates": "JSON for machines (the API)",
}

# Wagtail's page types: (model, key of the world holding the page's URL, who opens it).
PAGE_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "lms.HomePage": ("home_url", ("anonymous", *SIGNED_IN)),  # each role's own home
    "courses.TrainingHomePage": ("training_url", ("learner",)),
    "courses.CourseIndexPage": ("course_index_url", ("learner",)),
    "courses.CoursePage": ("course_url", ("learner",)),
    "courses.LessonPage": ("lesson_url", ("learner",)),
    "courses.ConfidentialityPage": ("confidentiality_url", ("learner",)),
    "courses.DrillIndexPage": ("drill_index_url", ("learner",)),
    "courses.DrillPage": ("drill_url", ("learner", "lead")),
    "assessments.QuizPage": ("quiz_url", ("learner",)),
}

# Wagtail's admin as trainers and HR meet it: nothing wider than the screen, and axe-core's
# rules but those its own widgets break (ADMIN_AXE). Its header and its buttons are
# Wagtail's, not restyled here: its icon buttons are 24 to 42 px (the panels' toggles, the
# comment buttons, "More actions", the stream field's "+"), so the shell and tap-target
# checks are left out. (name, address with world keys, who)
ADMIN: list[tuple[str, str, tuple[str, ...]]] = [
    ("dashboard", "/cms/", ("trainer", "lead", "hr", "admin")),
    ("explorer", "/cms/pages/{course_id}/", ("trainer",)),
    ("drill-explorer", "/cms/pages/{drill_index_id}/", ("lead",)),
    ("lesson-editor", "/cms/pages/{lesson_id}/edit/", ("trainer",)),
    ("drill-editor", "/cms/pages/{drill_id}/edit/", ("trainer",)),
    ("drill-history", "/cms/pages/{drill_id}/history/", ("lead",)),
    # A drill a trainer submitted, waiting for the lead trainer's review.
    ("review-editor", "/cms/pages/{draft_id}/edit/", ("lead",)),
    ("workflow-history", "/cms/pages/{draft_id}/workflow_history/", ("trainer", "lead")),
    ("workflow-history-detail",
     "/cms/pages/{draft_id}/workflow_history/detail/{workflow_state}/", ("lead",)),
    ("question-editor", "/cms/snippets/assessments/question/edit/{question}/", ("trainer",)),
    ("question-files", "/cms/question_files/", ("trainer",)),
    ("certificate-template", "/cms/certificate-templates/edit/{certificate_template}/", ("hr",)),
]
# fmt: on

# axe-core's rules that Wagtail's own admin breaks, on its editors (not ours to change).
ADMIN_AXE = {
    "aria-input-field-name": "Draftail, the rich-text editor: its text boxes have no name",
    "label": "the hidden input behind Draftail and the tags' jQuery UI autocomplete: no label",
    "scrollable-region-focusable": "the editor's minimap: a list that scrolls, not focusable",
}


# The data -----------------------------------------------------------------------------------


def _build() -> dict:
    """The learner's world of test_accessibility, and the staff's: a plain trainer, an
    administrator, an essay waiting for grading, imports, an appeal, a retraining rule, a
    cycle's certificate and a print job. Returns the world's keys (URL parameters, page
    addresses)."""
    from django.contrib.contenttypes.models import ContentType

    from assessments.cycles.services import appeal_raise
    from assessments.imports import services as imports_services
    from assessments.models import (
        AssessmentCycle,
        Attempt,
        AttemptItem,
        Certificate,
        ImportBatch,
        PrintJob,
        QuizPage,
    )
    from assessments.retraining.services import RuleInput, rule_create
    from courses.drills.selectors import review_workflow
    from courses.models import (
        ConfidentialityPage,
        CourseIndexPage,
        CoursePage,
        DrillEvaluation,
        DrillIndexPage,
        DrillPage,
        LessonPage,
        TrainingHomePage,
        TrainingSession,
    )
    from courses.sessions import services as sessions_services
    from lms.models import OrgUnit, User
    from tests.browser import test_accessibility, test_tables_on_phones

    ContentType.objects.clear_cache()  # see _fresh_content_types
    test_accessibility._build()
    east, co = OrgUnit.objects.get(code="east"), OrgUnit.objects.get(code="co")
    factories.staff(
        OrgUnit.objects.get(code="pudong"), roles=[Role.LEARNER, Role.TRAINER],
        position="trainer", name="周晓明", number="T001", trainer_units=[east],
    )  # fmt: skip
    factories.staff(co, roles=[Role.ADMINISTRATOR], position="hr", name="赵敏", number="A001")
    learner, other = User.objects.get(username="L001"), User.objects.get(username="L002")
    lead, hr = User.objects.get(username="TR01"), User.objects.get(username="HR01")
    course = CoursePage.objects.get(title="客户服务知识")

    # An essay waiting for grading.
    essay_quiz = test_tables_on_phones._essay_quiz(course)
    essay_item = test_tables_on_phones._take(essay_quiz, other, 0).items.get(position=1)

    # Imports: one with problems, waiting.
    bad = factories.csv_bytes(
        "surveys",
        [factories.survey("S-3", number="NOBODY"), factories.survey("S-4", score="9")],
        language="zh",
    )
    batch = imports_services.import_upload(
        kind="surveys", name="满意度调查-有错误.csv", stream=io.BytesIO(bad), by=hr
    )

    cycle = AssessmentCycle.objects.get()
    appeal = appeal_raise(user=learner, cycle=cycle, part="knowledge", comment="知识分偏低。")
    rule = rule_create(
        data=RuleInput(
            name="投诉后复训", trigger="complaint", course=course, due_days=14,
            applies_from=datetime.date(2026, 10, 1), org_unit=east,
        ),
        by=lead,
    )  # fmt: skip
    certificate = factories.make_certificate(learner, cycle=cycle, serial="2026-A-900001")
    print_job = PrintJob.objects.create(created_by=hr)
    # A drill written by the trainer, waiting for the lead trainer's review.
    trainer = User.objects.get(username="T001")
    draft = factories.drill(TrainingHomePage.objects.get(), title="快件破损投诉演练")
    draft.unpublish()
    draft.save_revision(user=trainer)
    workflow_state = review_workflow().start(draft, trainer)
    attempt = Attempt.objects.get(user=learner, state="in_progress")
    graded = Attempt.objects.filter(user=learner, quiz__slug="quiz").get()
    # The inbox with one read and one unread notification, and a delivery that failed.
    from lms.models import Delivery, Notification

    for number, subject in enumerate(("派送规范课堂已取消 请重新报名其他场次", "课程即将到期")):
        notification = Notification.objects.create(
            person=learner,
            kind="sessions.cancelled",
            key=f"w{number}",
            subject=subject,
            link="/learning/",
            read_at=datetime.datetime.now(datetime.UTC) if number else None,
        )
    Delivery.objects.create(
        notification=notification,
        channel="dingtalk",
        state="failed",
        attempts=6,
        last_error="RuntimeError: answer {'errcode': 310000, 'errmsg': 'sign not match'}",
    )
    # The learner's unit has a DingTalk robot of its own (its page shows it masked).
    from lms.models import UnitRobots

    UnitRobots.objects.create(
        unit=learner.profile.org_unit,
        dingtalk_webhook="https://oapi.dingtalk.com/robot/send?access_token=" + "a1b2" * 16,
        dingtalk_secret="SEC" + "c3d4" * 16,
    )
    upcoming = TrainingSession.objects.get(kind="classroom")
    drill = DrillPage.objects.live().get()
    lesson = LessonPage.objects.child_of(course).order_by("path").last()
    return {
        "learner_id": learner.pk,
        "learner_number": learner.username,
        "unit_code": learner.profile.org_unit.code,
        "session": upcoming.pk,
        "drill_session": TrainingSession.objects.get(kind="drill").pk,
        "check_in_code": sessions_services.check_in_token(upcoming),
        "evaluation": DrillEvaluation.objects.get(user=learner).pk,
        "attempt": attempt.pk,
        "graded": graded.pk,
        "essay_quiz": essay_quiz.pk,
        "essay_item": essay_item.pk,
        "question": AttemptItem.objects.filter(attempt=graded).first().version.question_id,
        "batch": ImportBatch.objects.get(pk=batch.pk).pk,
        "policy_version": 1,
        "cycle": cycle.pk,
        "part": "satisfaction",
        "appeal": appeal.pk,
        "rule": rule.pk,
        "certificate": certificate.pk,
        "certificate_code": Certificate.objects.get(pk=certificate.pk).code,
        "certificate_template": certificate.template_id,
        "print_job": print_job.pk,
        "course_id": course.pk,
        "lesson_id": lesson.pk,
        "drill_id": drill.pk,
        "drill_index_id": DrillIndexPage.objects.get().pk,
        "draft_id": draft.pk,
        "workflow_state": workflow_state.pk,
        "home_url": "/",
        "training_url": TrainingHomePage.objects.get().url,
        "course_index_url": CourseIndexPage.objects.get().url,
        "course_url": course.url,
        "lesson_url": lesson.url,
        "confidentiality_url": ConfidentialityPage.objects.get().url,
        "drill_index_url": DrillIndexPage.objects.get().url,
        "drill_url": drill.url,
        "quiz_url": QuizPage.objects.get(slug="final").url,
    }


@pytest.fixture(autouse=True)
def _fresh_content_types(transactional_db):
    """The content types cached by an earlier test of the session (the cache is the
    process's, shared with the live server) may not be this database's (as in
    test_trainer_journey): read afresh once the test's copy of the data is in place, all of
    them, so that no request of the live server needs to write one."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    for content_type in ContentType.objects.all():
        ContentType.objects._add_to_cache("default", content_type)


@pytest.fixture(scope="module")
def world(browser, live_server, django_db_blocker):
    """The pages' data, built once; each test starts from a copy of it."""
    with built_once(django_db_blocker, _build) as made:
        yield made


# What is checked on each page ---------------------------------------------------------------

MEASURE = """([primary, targets]) => {
  const W = window.innerWidth;
  const describe = (el) => {
    let text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    text = text.replace(/\\s+/g, ' ').slice(0, 40);
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
    return `<${el.tagName.toLowerCase()}${id}${cls}> "${text}"`;
  };
  const unseen = (el) => {
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden') return true;
      if (e.classList.contains('visually-hidden')) return true;
      if (e.classList.contains('skip-link') && document.activeElement !== e) return true;
      if (s.position === 'absolute' && s.clip === 'rect(0px, 0px, 0px, 0px)') return true;
    }
    return false;
  };
  // Inside something that scrolls or clips sideways (a table's wrapper): that one must fit.
  const clipped = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== 'visible') return true;
    }
    return false;
  };
  const outside = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if (r.right <= W + 0.5 && r.left >= -0.5) continue;
    if (unseen(el) || clipped(el)) continue;
    const parent = el.parentElement.getBoundingClientRect();
    if (parent.right > W + 0.5 || parent.left < -0.5) continue;  // its parent is named
    outside.push(`${describe(el)} from ${Math.round(r.left)} to ${Math.round(r.right)} px`);
  }
  const height = (selector) => {
    const el = document.querySelector(selector);
    return el && !unseen(el) ? el.getBoundingClientRect().height : 0;
  };
  // Tap targets: a checkbox or radio button counts with its label.
  const box = (el) => {
    let r = el.getBoundingClientRect();
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels.length) {
      const l = el.labels[0].getBoundingClientRect();
      r = {left: Math.min(r.left, l.left), right: Math.max(r.right, l.right),
           top: Math.min(r.top, l.top), bottom: Math.max(r.bottom, l.bottom)};
    }
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            width: r.right - r.left, height: r.bottom - r.top};
  };
  const all = [...document.querySelectorAll(targets)].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width && r.height && !unseen(el) && !el.closest('[inert]');
  });
  const boxes = new Map(all.map((el) => [el, box(el)]));
  // A link in a sentence: inline, in a block with other words.
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) {
      block = block.parentElement;
    }
    return block && block.innerText.trim().length > el.innerText.trim().length;
  };
  const gap = (b, point) => Math.hypot(
    Math.max(b.left - point.x, 0, point.x - b.right),
    Math.max(b.top - point.y, 0, point.y - b.bottom));
  const centre = (b) => ({x: (b.left + b.right) / 2, y: (b.top + b.bottom) / 2});
  const small = (b, n) => b.width < n - 0.5 || b.height < n - 0.5;
  // The spacing exception: a 24 px circle on the target's centre touches no other target,
  // nor another small target's circle.
  const spaced = (el, b) => all.every((other) => {
    if (other === el || other.contains(el) || el.contains(other)) return true;
    const o = boxes.get(other);
    if (gap(o, centre(b)) < 12) return false;
    if (small(o, 24)) {
      const c = centre(o), m = centre(b);
      if (Math.hypot(c.x - m.x, c.y - m.y) < 24) return false;
    }
    return true;
  });
  const primaries = new Set(document.querySelectorAll(primary));
  const tiny = [];
  for (const el of all) {
    const b = boxes.get(el);
    const size = `${Math.round(b.width)} x ${Math.round(b.height)} px`;
    if (primaries.has(el)) {
      if (small(b, 44)) tiny.push(`primary action ${describe(el)}: ${size}`);
    } else if (small(b, 24) && !inSentence(el) && !spaced(el, b)) {
      tiny.push(`tap target ${describe(el)}: ${size}`);
    }
  }
  return {
    lang: document.documentElement.lang.toLowerCase(),
    width: document.documentElement.scrollWidth,
    outside: outside.slice(0, 8),
    shell: height('.topbar') + height('.tabbar'),
    tabbar: height('.tabbar'),
    tiny,
  };
}"""


def _problems(
    page, where: str, language: str, *, tabs=True, ours=True, axe_ignore=frozenset()
) -> list[str]:
    """What is wrong with the page as loaded now, as sentences (none: it passes). `tabs`: the
    page has the tab bar; `ours`: the shell and the tap targets are ours (not Wagtail's);
    `axe_ignore`: axe-core's rules that Wagtail's own admin breaks (ADMIN_AXE)."""
    problems = []
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        name = re.sub(r"[^\w-]+", "_", f"{language}-{where}")[:120]
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)
    found = page.evaluate(MEASURE, [PRIMARY, TARGETS])
    if found["lang"] != language:
        problems.append(f"{where}: in {found['lang']}, not {language}")
    if found["width"] > SCREEN["width"]:
        problems.append(f"{where}: {found['width']} px wide")
    problems += [f"{where}: beyond the screen: {what}" for what in found["outside"]]
    if ours:
        if found["shell"] > SHELL_MAX:
            problems.append(f"{where}: the shell takes {found['shell']} px of {SCREEN['height']}")
        if tabs and not found["tabbar"]:
            problems.append(f"{where}: no tab bar")
        problems += [f"{where}: {what}" for what in found["tiny"]]
    violations = [v for v in axe_violations(page) if v["id"] not in axe_ignore]
    if violations:
        problems.append(describe_violations(where, violations))
    return problems


def _context(browser, live_server, language):
    context = browser.new_context(
        viewport=SCREEN, locale=LANGUAGES[language], base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "lms_language", "value": language, "url": live_server.url}])
    return context


def _visits(who: str, world: dict) -> list[tuple[str, str, Route]]:
    """(name, address, route) of every page of ours `who` opens."""
    visits = []
    for name, route in ROUTES.items():
        if who in route.who:
            url = reverse(name, kwargs={p: world[key] for p, key in route.kwargs.items()})
            query = route.query.format(**world)
            visits.append((name, f"{url}?{query}" if query else url, route))
    for model, (key, people) in PAGE_TYPES.items():
        if who in people:
            visits.append((model, world[key], Route(people)))
    return visits


def pages_of(who: str) -> int:
    return sum(who in route.who for route in ROUTES.values()) + sum(
        who in people for _key, people in PAGE_TYPES.values()
    )


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("who", list(PEOPLE))
def test_every_page_fits_a_phone(browser, live_server, settings, world, who, language):
    settings.LMS_ENFORCE_MFA = False
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0  # the editors are looked at, not changed
    # Two sign-in providers: their buttons on the sign-in page and "confirm access" with
    # them (rendering asks nothing of the providers).
    settings.SOCIALACCOUNT_PROVIDERS = SSO_PROVIDERS
    context = _context(browser, live_server, language)
    refused = csp_refusals(context)
    page = context.new_page()
    problems = []
    try:
        if PEOPLE[who]:
            sign_in(page, PEOPLE[who], factories.PASSWORD)
        for name, url, route in _visits(who, world):
            response = page.goto(url)
            if response.status != route.status:
                problems.append(f"{name} {url}: HTTP {response.status}, not {route.status}")
                continue
            tabs = route.tabs and who != "anonymous"  # signed out: the top bar alone
            problems += _problems(page, f"{who} {name} {url}", language, tabs=tabs)
        for name, address, people in ADMIN:
            if who in people:
                url = address.format(**world)
                response = page.goto(url)
                if response.status != 200 or response.request.redirected_from:
                    problems.append(f"admin {name} {url}: HTTP {response.status}, {page.url}")
                    continue
                where = f"{who} admin {name} {url}"
                problems += _problems(page, where, language, ours=False, axe_ignore=set(ADMIN_AXE))
        page.goto("about:blank")  # no request of the last page outlives the test
    finally:
        context.close()
    assert not problems, f"{who} in {language}:\n" + "\n".join(problems)
    assert refused == []


# The coverage of the matrix -----------------------------------------------------------------


def test_every_url_pattern_is_in_the_matrix():
    from tests.test_authorization import _ours, _patterns

    names = {name for route, name, pattern in _patterns() if _ours(route, pattern) and name}
    missing = sorted(names - set(ROUTES) - set(EXCLUDED))
    assert not missing, "URL patterns neither in ROUTES nor in EXCLUDED:\n" + "\n".join(missing)
    gone = sorted((set(ROUTES) | set(EXCLUDED)) - names)
    allauth = {"account_login", "account_reset_password", "account_change_password"}
    gone = [name for name in gone if name not in allauth and not name.startswith("mfa_")]
    assert not gone, f"rows for URL patterns that no longer exist: {gone}"
    assert not set(ROUTES) & set(EXCLUDED)


def test_every_page_type_is_in_the_matrix():
    from wagtail.models import Page, get_page_models

    ours = {
        f"{model._meta.app_label}.{model.__name__}"
        for model in get_page_models()
        if model is not Page and model._meta.app_label in ("lms", "courses", "assessments")
    }
    assert ours == set(PAGE_TYPES)


# The error pages and the admin's door --------------------------------------------------------

# Over Django's limit of fields in a request (DATA_UPLOAD_MAX_NUMBER_FIELDS): a bad request.
TOO_MANY_FIELDS = "/learning/search/?" + "&".join(f"f{n}=1" for n in range(1001))


def _refuse_the_next_form(page, form: str) -> None:
    """Send `form` with a token that is not the session's: a form kept open too long."""
    page.evaluate(
        """(form) => {
          for (const input of document.querySelectorAll('input[name=csrfmiddlewaretoken]'))
            input.value = 'x'.repeat(64);
          document.querySelector(form).requestSubmit();
        }""",
        form,
    )


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_error_pages_fit_a_phone(browser, live_server, settings, world, language):
    """400, 403, 404, 500 and a refused form, each caused for real, signed out and as a
    learner: in the site's layout and the reader's language, each with its way back."""
    settings.LMS_ENFORCE_MFA = False
    settings.ROOT_URLCONF = "tests.browser.broken_urls"  # the site, and one page that fails
    problems = []
    for who in ("anonymous", "learner"):
        context = _context(browser, live_server, language)
        page = context.new_page()
        try:
            if PEOPLE[who]:
                sign_in(page, PEOPLE[who], factories.PASSWORD)
            errors = [
                (400, TOO_MANY_FIELDS),
                (404, "/learning/no-such-page/"),
                (500, "/broken/"),
                *([(403, "/staff/")] if PEOPLE[who] else []),
            ]
            for status, url in errors:
                response = page.goto(url)
                problems += _error_page_problems(page, response, status, url, who, language)
            # A form sent with a stale token: the sign-in form, or signing out.
            page.goto("/accounts/login/" if who == "anonymous" else "/account/")
            with page.expect_navigation() as navigation:
                form = "main form" if who == "anonymous" else "form.sign-out"
                _refuse_the_next_form(page, form)
            response = navigation.value
            problems += _error_page_problems(page, response, 403, "CSRF", who, language)
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def _error_page_problems(page, response, status, url, who, language) -> list[str]:
    where = f"{status} ({who}, {url[:40]})"
    if response.status != status:
        return [f"{where}: HTTP {response.status}"]
    problems = []
    if page.locator(".error-page h1").count() != 1:
        problems.append(f"{where}: not the site's error page")
    if not page.locator(".error-page .ways-back a").count():
        problems.append(f"{where}: no way back")
    # The 500 page is drawn without the request (no tab bar); signed out, there is none.
    tabs = who != "anonymous" and status != 500
    return problems + _problems(page, where, language, tabs=tabs)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_learner_who_opens_the_admin_is_told_once(
    browser, live_server, settings, world, language
):
    settings.LMS_ENFORCE_MFA = False
    context = _context(browser, live_server, language)
    page = context.new_page()
    try:
        sign_in(page, PEOPLE["learner"], factories.PASSWORD)
        response = page.goto("/cms/pages/")
        assert response.status == 403
        assert response.request.redirected_from is None  # no round through the sign-in page
        assert page.url.endswith("/cms/pages/")
        assert page.locator(".error-page h1").count() == 1
        assert page.locator(".messages li, [role=alert]").count() == 0
        problems = _problems(page, "/cms/ as a learner", language)
        # The next page says nothing more about it.
        page.goto("/")
        assert page.locator(".messages li").count() == 0
    finally:
        context.close()
    assert not problems, "\n".join(problems)
