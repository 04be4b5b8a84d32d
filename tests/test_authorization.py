"""The authorization matrix: every URL of the site, and what each kind of person gets from it.

The demo company is loaded once (`seed_output`); each row of `MATRIX` names a URL pattern, the
objects its parameters point at (the demo learner E1001's own attempt, result, certificate...)
and the answer expected for each column:

    anonymous · learner, own object (E1001) · learner, another's (E1016, in Guangzhou)
    · trainer in scope (T0001, who trains the east, E1001's region) · trainer out of scope
    (T0002, who trains Guangzhou Tianhe) · HR (H0001) · administrator (A0001)

Answers: `200`, `302` (a redirect elsewhere than the sign-in page), `L` (sent to sign in),
`403`, `404`, `405`; `a|b` accepts either; `D` is the refusal of Wagtail's admin to someone
without the permission (a 403, or a redirect home or to sign in). A 500 is never accepted.
Every request runs in its own transaction, rolled back, so that one column's POST does not
change what the next sees.

Every URL pattern of our apps must have its row: a pattern added without one fails
`test_every_url_has_its_row`. Wagtail's admin (`/cms/`) and allauth's pages (`/accounts/`)
follow their own permission systems; every one of their patterns is asked, as anonymous and
as a learner, in `test_the_admin_is_closed_to_anonymous_and_learners`, and the admin views
that are ours (the question bank's files, certificate templates) have rows here too.
"""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images.models import Image

from assessments.models import (
    Appeal,
    AssessmentCycle,
    AssessmentResult,
    Attempt,
    AttemptItem,
    Certificate,
    ImportBatch,
    PrintJob,
    RetrainingRule,
)
from courses.models import Assignment, DrillEvaluation, LessonPage, Reminder, TrainingSession
from lms.integrations.services import token_create
from lms.models import Delivery, Notification, User

COLUMNS = ("anonymous", "own", "other", "trainer_in", "trainer_out", "hr", "admin")
PEOPLE = {
    "own": "E1001",
    "other": "E1016",
    "trainer_in": "T0001",
    "trainer_out": "T0002",
    "hr": "H0001",
    "admin": "A0001",
}
# URL patterns whose permissions are those of the library that serves them.
THIRD_PARTY = ("cms/", "accounts/", "documents/", "_util/", "^media/", "django-admin/")


@dataclasses.dataclass(frozen=True)
class Row:
    name: str
    expect: str  # seven answers, in the order of COLUMNS
    kwargs: dict = dataclasses.field(default_factory=dict)  # parameter -> key of the world
    method: str = "GET"
    data: dict = dataclasses.field(default_factory=dict)

    def answers(self) -> dict[str, set[str]]:
        cells = self.expect.replace("D", "L|302|403").split()
        assert len(cells) == len(COLUMNS), self.name
        return {column: set(cell.split("|")) for column, cell in zip(COLUMNS, cells, strict=True)}


def get(name, expect, **kwargs):
    return Row(name, expect, kwargs)


def post(name, expect, data=None, **kwargs):
    return Row(name, expect, kwargs, method="POST", data=data or {})


# fmt: off
MATRIX = [
    # The site, public
    get("healthz",                               "200 200 200 200 200 200 200"),
    get("media",                                 "200 200 200 200 200 200 200", path="image"),
    get("set_language",                          "302 302 302 302 302 302 302"),
    post("set_language",                         "302 302 302 302 302 302 302", {"language": "en"}),
    get("wagtail_serve",                         "200|302 200 200 200 200 200 200", path="home"),
    get("certificates:verify_form",              "200 200 200 200 200 200 200"),
    get("certificates:verify",                   "200 200 200 200 200 200 200", code="certificate_code"),
    # People and the organisation
    get("lms:account",                           "L 200 200 200 200 200 200"),
    get("lms:account_access",                    "L 200 200 200 200 200 200"),  # each their own
    get("sso_reauthenticate",                    "L 404 404 404 404 404 404"),  # no provider configured here
    get("lms:my_data",                           "L 200 200 200 200 200 200"),  # each their own
    get("lms:staff_list",                        "L 403 403 200 200 200 200"),
    get("lms:staff_create",                      "L 403 403 403 403 200 200"),
    get("lms:staff_detail",                      "L 200 404 200 404 200 200", employee_number="number"),
    post("lms:staff_invite",                     "L 403 403 403 403 302 302", employee_number="number"),
    post("lms:staff_leave",                      "L 403 403 403 403 302 302", {"left_on": "2026-12-31"}, employee_number="number"),
    post("lms:staff_reinstate",                  "L 403 403 403 403 302 302", employee_number="number"),
    post("lms:staff_roles",                      "L 403 403 403 403 403 302", {"roles": ["Learner"]}, employee_number="number"),
    post("lms:staff_invite",                     "L 403 403 403 403 403 302", employee_number="hr_number"),
    post("lms:staff_leave",                      "L 403 403 403 403 403 302", {"left_on": "2026-12-31"}, employee_number="admin_number"),
    get("lms:org_tree",                          "L 403 403 403 403 200 200"),
    post("lms:org_company_add",                  "L 403 403 403 403 403 200|302"),
    post("lms:org_unit_add",                     "L 403 403 403 403 403 200|302", code="unit_code"),
    get("lms:org_unit_robots",                   "L 403 403 403 403 403 200", code="unit_code"),
    post("lms:org_unit_robots",                  "L 403 403 403 403 403 302", code="unit_code"),
    post("lms:org_unit_robot_test",              "L 403 403 403 403 403 302", {"channel": "wecom"}, code="unit_code"),
    get("lms:audit_log",                         "L 403 403 403 403 200 200"),
    # Learning
    get("learning:my_learning",                  "L 200 200 200 200 200 200"),
    get("learning:catalogue",                    "302 302 302 302 302 302 302"),  # to the course index
    get("learning:search",                       "200 200 200 200 200 200 200"),  # finds only what may be seen
    post("learning:course_start",                "L 302 302 302 302 302 302", course_id="course"),
    post("learning:lesson_complete",             "L 302 302|403|404 302|403|404 302|403|404 302|403|404 302|403|404", lesson_id="lesson"),
    post("learning:reminder_dismiss",            "L 302 302 302 302 302 302", reminder_id="reminder"),  # only one's own is dismissed
    get("learning:assignment_list",              "L 403 403 200 200 200 200"),
    get("learning:assignment_create",            "L 403 403 200 200 200 200"),
    post("learning:assignment_cancel",           "L 403 403 302 404 302 302", assignment_id="assignment"),
    get("learning:report",                       "L 403 403 200 200 200 200"),
    get("learning:report_people",                "L 403 403 200 200 200 200"),
    # The confidentiality acknowledgement: everyone acknowledges for themselves; HR reads the list
    post("acknowledgements:acknowledge",         "L 302 302 302 302 302 302", data={"version": "2"}),
    get("acknowledgements:report",               "L 403 403 403 403 200 200"),
    # Live sessions
    get("sessions:session_list",                 "L 200 200 200 200 200 200"),
    get("sessions:my_sessions",                  "L 200 200 200 200 200 200"),
    get("sessions:my_sessions_ics",              "L 200 200 200 200 200 200"),
    get("sessions:session_detail",               "L 200 200 200 200 200 200", session_id="session"),
    get("sessions:session_ics",                  "L 200 200 200 200 200 200", session_id="session"),
    post("sessions:session_signup",              "L 302 302 302 302 302 302", session_id="session"),  # refused with a message outside the audience
    post("sessions:session_cancel",              "L 302 302 302 302 302 302", session_id="session"),  # one's own sign-up
    get("sessions:my_drill_results",             "L 200 200 200 200 200 200"),
    get("sessions:drill_result",                 "L 200 404 404 404 404 404", evaluation_id="evaluation"),
    get("sessions:check_in",                     "L 200 200 200 200 200 200"),
    get("sessions:sessions_to_run",              "L 403 403 200 200 403 200"),
    get("sessions:session_attendance",           "L 403 403 200 403 403 200", session_id="drill_session"),
    get("sessions:session_check_in_code",        "L 403 403 200 403 403 200", session_id="session"),
    get("sessions:session_check_in_code_json",   "L 403 403 200 403 403 200", session_id="session"),
    get("sessions:session_scoring",              "L 403 403 200 403 403 200", session_id="drill_session"),
    get("sessions:evaluation_edit",              "L 403 403 200 403 403 200", session_id="drill_session", user_id="user_id"),
    post("sessions:evaluation_criterion",        "L 403 403 200|302|400 403 403 200|302|400", session_id="drill_session", user_id="user_id"),
    get("sessions:evaluation_evidence",          "L 200 404 200 404 200 200", evaluation_id="evaluation"),
    get("sessions:session_schedule",             "L 403 403 200 200 403 200"),
    get("sessions:session_edit",                 "L 403 403 200 403 403 200", session_id="session"),
    post("sessions:session_cancel_by_trainer",   "L 403 403 302 403 403 302", session_id="session"),
    # Quizzes
    post("quizzes:start",                        "L 302 302 302 302 302 302", quiz_id="quiz"),
    get("quizzes:attempt",                       "L 200|302 403|404 403|404 403|404 403|404 403|404", attempt_id="attempt"),
    post("quizzes:answer",                       "L 200|302|400|409 403|404 403|404 403|404 403|404 403|404", attempt_id="attempt", position="position"),
    post("quizzes:submit",                       "L 302 403|404 403|404 403|404 403|404 403|404", attempt_id="attempt"),
    get("quizzes:result",                        "L 200 404 404 404 404 404", attempt_id="attempt"),  # staff read results in quiz_results
    get("quizzes:quiz_list",                     "L 403 403 200 200 200 200"),
    get("quizzes:quiz_results",                  "L 403 403 200 200 200 200", quiz_id="quiz"),
    get("quizzes:quiz_analysis",                 "L 403 403 200 200 200 200", quiz_id="quiz"),
    get("quizzes:grading_queue",                 "L 403 403 200 200 200 200"),
    get("quizzes:grade_item",                    "L 403 403 200 404 200 200", item_id="item"),
    get("quizzes:question_regrade",              "L 403 403 200 200 403 200", question_id="question"),
    post("quizzes:question_regrade",             "L 403 403 403 403 403 302", question_id="question"),
    # HR's imports
    get("imports:import_list",                   "L 403 403 403 403 200 200"),
    get("imports:import_detail",                 "L 403 403 403 403 200 200", batch_id="batch"),
    get("imports:import_status",                 "L 403 403 403 403 200 200", batch_id="batch"),
    post("imports:import_confirm",               "L 403 403 403 403 302 302", batch_id="batch"),
    post("imports:import_cancel",                "L 403 403 403 403 302 302", batch_id="batch"),
    post("imports:import_retry",                 "L 403 403 403 403 302 302", batch_id="batch"),
    get("imports:import_problems",               "L 403 403 403 403 200|404 200|404", batch_id="batch"),
    get("imports:template",                      "L 403 403 403 403 200 200", kind="template_kind", language="template_language", fmt="template_fmt"),
    # The learning records (xAPI): administrators only
    get("xapi:outbox",                           "L 403 403 403 403 403 200"),
    post("xapi:retry",                           "L 403 403 403 403 403 302"),
    # Scoring policy
    get("scoring:policy",                        "L 403 403 403 403 200 200"),
    get("scoring:policy_edit",                   "L 403 403 403 403 200 200"),
    get("scoring:policy_version",                "L 403 403 403 403 200 200", version="policy_version"),
    # Assessment cycles, results and appeals
    get("cycles:cycle_list",                     "L 403 403 200 200 200 200"),
    get("cycles:cycle_create",                   "L 403 403 403 403 200 200"),
    get("cycles:cycle_detail",                   "L 403 403 200 200 200 200", cycle_id="cycle"),
    get("cycles:cycle_status",                   "L 403 403 200 200 200 200", cycle_id="cycle"),
    post("cycles:cycle_compute",                 "L 403 403 403 403 302 302", cycle_id="cycle"),
    post("cycles:cycle_finalise",                "L 403 403 403 403 302 302", cycle_id="cycle"),
    get("cycles:dashboard",                      "L 403 403 200 200 200 200", cycle_id="cycle"),
    get("cycles:cycle_export",                   "L 403 403 200 200 200 200", cycle_id="cycle"),  # of the people they see
    get("cycles:mine",                           "L 200 200 200 200 200 200"),
    get("cycles:mine_cycle",                     "L 200 200|404 200|404 200|404 200|404 200|404", cycle_id="cycle"),
    get("cycles:appeal_raise",                   "L 200|302 200|302|404 200|302|404 200|302|404 200|302|404 200|302|404", cycle_id="cycle", part="part"),
    get("cycles:person",                         "L 200 403|404 200 404 200 200", cycle_id="cycle", user_id="user_id"),
    get("cycles:appeal_list",                    "L 403 403 403 403 200 200"),
    get("cycles:appeal_detail",                  "L 403 403 403 403 200 200", appeal_id="appeal"),
    get("retraining:rule_list",                  "L 403 403 200 403 200 200"),  # HR and lead trainers
    get("retraining:rule_create",                "L 403 403 200 403 200 200"),
    get("retraining:rule_edit",                  "L 403 403 200 403 200 200", rule_id="retraining_rule"),  # the east's
    post("retraining:rule_deactivate",           "L 403 403 302 403 302 302", rule_id="retraining_rule"),
    # Certificates
    get("certificates:mine",                     "L 200 200 200 200 200 200"),
    get("certificates:download",                 "L 200 404 200 404 200 200", pk="certificate"),
    get("certificates:certificate_list",         "L 403 403 403 403 200 200"),
    get("certificates:certificate_detail",       "L 403 403 403 403 200 200", pk="certificate"),
    post("certificates:certificate_revoke",      "L 403 403 403 403 400 400", pk="certificate"),  # no reason given
    post("certificates:certificate_reissue",     "L 403 403 403 403 400 400", pk="certificate"),  # no reason given
    post("certificates:certificate_issue",       "L 403 403 403 403 302 302", cycle_id="cycle"),
    get("certificates:certificate_print",        "L 403 403 403 403 200 200"),
    get("certificates:print_job",                "L 403 403 403 403 200 200", job_id="print_job"),
    get("certificates:print_job_status",         "L 403 403 403 403 200 200", job_id="print_job"),
    post("certificates:print_job_retry",         "L 403 403 403 403 302 302", job_id="print_job"),
    get("certificates:print_job_download",       "L 403 403 403 403 200|404 200|404", job_id="print_job"),
    # The API for HR systems: a token, never a session, answers (401 without one); its schema
    # and documentation page are public; administrators manage the tokens
    get("api:api-root",                          "404 404 404 404 404 404 404"),
    get("api:openapi-json",                      "200 200 200 200 200 200 200"),
    get("api:not_found",                         "404 404 404 404 404 404 404", path="api_typo"),
    get("api:openapi-view",                      "200 200 200 200 200 200 200"),
    post("api:roster",                           "401 401 401 401 401 401 401"),
    post("api:metrics_surveys",                  "401 401 401 401 401 401 401"),
    post("api:metrics_complaints",               "401 401 401 401 401 401 401"),
    post("api:metrics_efficiency",               "401 401 401 401 401 401 401"),
    post("api:metrics_teamwork",                 "401 401 401 401 401 401 401"),
    get("api:cycles",                            "401 401 401 401 401 401 401"),
    get("api:results",                           "401 401 401 401 401 401 401"),
    get("api:certificates",                      "401 401 401 401 401 401 401"),
    get("integrations:token_list",               "L 403 403 403 403 403 200"),
    get("integrations:token_create",             "L 403 403 403 403 403 200"),
    post("integrations:token_create",            "L 403 403 403 403 403 200", {"name": "HR", "scopes": ["results:read"]}),
    post("integrations:token_rotate",            "L 403 403 403 403 403 200", pk="integration_token"),
    post("integrations:token_revoke",            "L 403 403 403 403 403 302", pk="integration_token"),
    # Sign-in with the company's identity (allauth's social accounts, lms/sso/): with no provider
    # configured (as here) the providers' addresses answer 404; tests/lms/sso/ signs in through
    # each one configured. The connections page lists one's own links only.
    get("socialaccount_connections",             "L 200 200 200 200 200 200"),
    get("socialaccount_signup",                  "L L L L L L L"),  # no sign-up: no pending sign-in to finish
    get("socialaccount_login_cancelled",         "200 200 200 200 200 200 200"),
    get("socialaccount_login_error",             "401 401 401 401 401 401 401"),
    get("openid_connect_login",                  "404 404 404 404 404 404 404", provider_id="sso_provider"),
    post("openid_connect_login",                 "404 404 404 404 404 404 404", provider_id="sso_provider"),
    get("openid_connect_callback",               "404 404 404 404 404 404 404", provider_id="sso_provider"),
    get("dingtalk_login",                        "404 404 404 404 404 404 404"),
    post("dingtalk_login",                       "404 404 404 404 404 404 404"),
    get("dingtalk_callback",                     "404 404 404 404 404 404 404"),
    get("feishu_login",                          "404 404 404 404 404 404 404"),
    post("feishu_login",                         "404 404 404 404 404 404 404"),
    get("feishu_callback",                       "404 404 404 404 404 404 404"),
    # Notifications: one's own inbox and choices; failed deliveries for administrators
    get("notifications:inbox",                   "L 200 200 200 200 200 200"),
    get("notifications:open",                    "L 405 405 405 405 405 405", pk="notification"),
    post("notifications:open",                   "L 302 404 404 404 404 404", pk="notification"),
    post("notifications:read_all",               "L 302 302 302 302 302 302"),
    get("notifications:preferences",             "L 200 200 200 200 200 200"),
    post("notifications:preferences",            "L 302 302 302 302 302 302"),
    get("notifications:failures",                "L 403 403 403 403 403 200"),
    post("notifications:retry",                  "L 403 403 403 403 403 302", pk="delivery"),
    # Our pages in Wagtail's admin; "D" is the admin's refusal to staff (a 403, or a redirect
    # home); a learner gets our one 403 page (lms.platform.middleware.AdminAccessMiddleware)
    get("wagtailsnippets_assessments_question:edit", "L 403 403 200 200 D 200", pk="question"),
    # Wagtail's list of groups, its view ours (each role's name in the reader's language)
    get("wagtailusers_groups:index",             "L 403 403 D D D 200"),
    get("wagtailusers_groups:index_results",     "L 403 403 D D D 200"),
    get("question_files:files",                  "L 403 403 200 200 D 200"),
    get("question_files:export",                 "L 403 403 200|302 200|302 D 200|302"),
    get("question_files:template",               "L 403 403 200 200 D 200", kind="template_fmt"),
    get("certificate_templates:edit",            "L 403 403 D D 200 200", pk="certificate_template"),
    get("certificate_templates:preview_pdf",     "L 403 403 D D 200 200", pk="certificate_template"),
]
# fmt: on


def _patterns(resolver=None, prefix="", namespace=""):
    """(route, qualified name, pattern) of every URL pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield prefix + str(entry.pattern), name, entry


def _ours(route: str, pattern: URLPattern) -> bool:
    """A pattern of our apps, or one of our views inside Wagtail's admin."""
    if not route.startswith(THIRD_PARTY):
        return True
    view = getattr(pattern.callback, "view_class", pattern.callback)
    return view.__module__.split(".")[0] in ("lms", "courses", "assessments")


def test_every_url_has_its_row():
    covered = {row.name for row in MATRIX}
    missing = sorted(
        f"{route} ({name or 'unnamed'})"
        for route, name, pattern in _patterns()
        if _ours(route, pattern) and name not in covered and route != "favicon.ico"
    )
    assert not missing, "URLs without a row in the authorization matrix:\n" + "\n".join(missing)


# The world: the demo, and the objects of E1001 the rows point at ----------------------------


@pytest.fixture(scope="module")
def world(seed_output, django_db_blocker):
    with django_db_blocker.unblock():
        users = {u.username: u for u in User.objects.filter(username__in=PEOPLE.values())}
        own = users["E1001"]
        cycle = AssessmentCycle.objects.filter(results__user=own).order_by("-starts_on").first()
        attempt = Attempt.objects.filter(user=own).exclude(state="in_progress").first()
        evaluation = DrillEvaluation.objects.filter(user=own).select_related("session").first()
        evaluation.evidence.save("evidence.jpg", ContentFile(b"\xff\xd8\xff\xe0evidence"))
        session = (
            TrainingSession.objects.filter(trainer=users["T0001"], starts_at__gt=timezone.now())
            .filter(signups__user=own)
            .first()
        )
        item = _essay_in(own.profile.org_unit)
        certificate = _first(
            Certificate.objects.filter(user=own, revoked_at=None, kind="cycle"), "certificate"
        )
        if not certificate.pdf:  # the demo's rendering is left to the workers
            certificate.pdf.save("demo.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
        hr = users["H0001"]
        print_job = PrintJob.objects.first() or PrintJob.objects.create(created_by=hr)
        integration_token = token_create(
            name="HR system", scopes=["roster:write"], by=users["A0001"]
        ).token
        notification = Notification.objects.create(
            person=own, kind="learning.reminders", key="matrix", subject="提醒", link="/learning/"
        )
        failed = Delivery.objects.create(
            notification=notification, channel="email", state="failed", last_error="SMTP"
        )
        return {
            "home": "",
            "sso_provider": "company",
            "number": own.username,
            "hr_number": "H0001",
            "admin_number": "A0001",
            "unit_code": own.profile.org_unit.code,
            "user_id": own.pk,
            "course": _course_of(own),
            "lesson": _first(LessonPage.objects.live(), "lesson").pk,
            "reminder": _reminder_of(own).pk,
            "assignment": _assignment_for(own.profile.org_unit, by=users["H0001"]).pk,
            "session": session.pk,
            "drill_session": evaluation.session_id,
            "evaluation": evaluation.pk,
            "quiz": attempt.quiz_id,
            "attempt": attempt.pk,
            "position": 1,
            "item": item.pk,
            "question": _first(
                AttemptItem.objects.filter(attempt__user=own), "answer"
            ).version.question_id,
            "batch": _first(ImportBatch.objects.order_by("-pk"), "import batch").pk,
            "api_typo": "rooster",
            "template_kind": "roster",
            "template_language": "zh",
            "template_fmt": "csv",
            "policy_version": 1,
            "cycle": cycle.pk,
            "part": "knowledge",
            "appeal": _first(Appeal.objects.filter(user=own), "appeal of E1001").pk,
            "certificate": certificate.pk,
            "certificate_code": certificate.code,
            "print_job": print_job.pk,
            "integration_token": integration_token.pk,
            "notification": notification.pk,
            "delivery": failed.pk,
            "certificate_template": certificate.template_id,
            "retraining_rule": _first(
                RetrainingRule.objects.filter(org_unit__code="east"), "retraining rule of the east"
            ).pk,
            "image": _image_rendition(),
            "users": users,
        }


def _image_rendition() -> str:
    """An uploaded image's rendition, as its path under MEDIA_ROOT (served by lms.platform.media)."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "#0f766e").save(buffer, "PNG")
    image = Image.objects.create(title="matrix", file=ImageFile(buffer, name="matrix.png"))
    return image.get_rendition("fill-20x20").file.name


def _first(queryset, what: str):
    found = queryset.first()
    assert found is not None, f"the demo has no {what}"
    return found


def _assignment_for(unit, *, by) -> Assignment:
    """An assignment of the demo's kind, to the learner's unit."""
    assignment = _first(Assignment.objects.all(), "assignment")
    assignment.pk = None
    assignment.org_unit, assignment.position, assignment.created_by = unit, "", by
    assignment.save()
    return assignment


def _essay_in(unit) -> AttemptItem:
    """A submitted essay answer from the learner's station (E1001's own, where there is one)."""
    essays = AttemptItem.objects.filter(
        version__question__qtype="essay",
        attempt__user__profile__org_unit__path__startswith=unit.path,
    ).exclude(attempt__state="in_progress")
    return _first(essays.order_by("attempt__user__username"), "essay answer in the east")


def _reminder_of(user) -> Reminder:
    from courses.models import Enrolment

    enrolment = _first(Enrolment.objects.filter(user=user), "enrolment of E1001")
    return Reminder.objects.get_or_create(enrolment=enrolment, kind="overdue")[0]


def _course_of(user) -> int:
    from courses.models import Enrolment

    return Enrolment.objects.filter(user=user).first().course_id


def _url(row: Row, world) -> str:
    kwargs = {param: world[key] for param, key in row.kwargs.items()}
    if row.name == "wagtail_serve":
        return "/"
    return reverse(row.name, kwargs=kwargs)


def _answer(response) -> str:
    if response.status_code in (301, 302):
        return "L" if "/login/" in response["Location"] else "302"
    return str(response.status_code)


def _ask(row: Row, world, column: str) -> str:
    cache.clear()
    client = Client(raise_request_exception=False)
    if column != "anonymous":
        client.force_login(world["users"][PEOPLE[column]])
    url = _url(row, world)
    with transaction.atomic():
        response = client.post(url, row.data) if row.method == "POST" else client.get(url)
        transaction.set_rollback(True)
    return _answer(response)


@pytest.mark.django_db
@pytest.mark.parametrize("row", MATRIX, ids=lambda row: f"{row.method} {row.name}")
def test_the_matrix(row, world, settings):
    settings.LMS_ENFORCE_MFA = False  # the second factor has its own tests
    wrong = {}
    for column, accepted in row.answers().items():
        got = _ask(row, world, column)
        if got not in accepted:
            wrong[column] = f"got {got}, expected {'|'.join(sorted(accepted))}"
    assert not wrong, f"{row.method} {_url(row, world)}: {wrong}"


# Wagtail's admin and allauth -------------------------------------------------------------

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _sample_path(route: str) -> str | None:
    """The route with sample values in its parameters (1 for ids and numbers, "x" for the rest);
    None for a regular expression route."""
    if route.startswith("^") or "(?P" in route:
        return None

    def sample(match):
        return "1" if match.group(1) in ("int", "id") else "x"

    return "/" + _PARAM.sub(sample, route)


# The admin's pages that are open before signing in: its sign-in and password reset, and its
# translations for JavaScript and its icons.
PUBLIC_ADMIN = ("/cms/login", "/cms/password_reset", "/cms/jsi18n", "/cms/sprite")

ADMIN_ROUTES = sorted(
    {
        path
        for route, _name, _pattern in _patterns()
        if route.startswith("cms/") and (path := _sample_path(route))
    }
)


@pytest.mark.django_db
def test_the_admin_is_closed_to_anonymous_and_learners(world, settings):
    settings.LMS_ENFORCE_MFA = False
    learner = Client(raise_request_exception=False)
    learner.force_login(world["users"]["E1001"])
    anonymous = Client(raise_request_exception=False)
    open_doors = []
    for path in ADMIN_ROUTES:
        for who, client in (("anonymous", anonymous), ("learner", learner)):
            with transaction.atomic():
                response = client.get(path)
                transaction.set_rollback(True)
            if response.status_code in (200, 500) and not path.startswith(PUBLIC_ADMIN):
                open_doors.append(f"{who} GET {path}: {response.status_code}")
            # A learner is told once, on a 403 page, never sent round the sign-in page.
            told = response.status_code == 403 or path.startswith(PUBLIC_ADMIN + ("/cms/logout",))
            if who == "learner" and not told:
                open_doors.append(f"learner GET {path}: {response.status_code}, not 403")
    assert not open_doors, "\n".join(open_doors)


# Each rule's two faces agree -----------------------------------------------------------------


def _rules():
    from assessments.certificates.permissions import certificate_rule
    from assessments.cycles.permissions import cycle_rule, result_rule
    from assessments.quizzes.permissions import attempt_rule
    from courses.learning.permissions import assignment_rule
    from courses.sessions.permissions import run_rule
    from lms.models import StaffProfile
    from lms.permissions import staff_visibility

    return [
        ("staff", StaffProfile, staff_visibility.q, staff_visibility.allows),
        ("attempts", Attempt, attempt_rule.readable, attempt_rule.can_read),
        ("results", AssessmentResult, result_rule.readable, result_rule.can_read),
        ("cycles", AssessmentCycle, cycle_rule.readable, cycle_rule.can_read),
        ("certificates", Certificate, certificate_rule.readable, certificate_rule.can_read),
        ("assignments", Assignment, assignment_rule.readable, assignment_rule.can_read),
        ("sessions", TrainingSession, run_rule.runnable, run_rule.can_run),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("column", COLUMNS[1:])
def test_each_rule_gives_the_same_answer_for_a_list_and_for_one_object(world, column):
    """A list filtered by a rule's queryset face holds exactly the objects its object check
    lets the person open, for every object of the demo: the two cannot drift apart."""
    user = world["users"][PEOPLE[column]]
    disagree = []
    for name, model, readable, can_read in _rules():
        listed = set(model.objects.filter(readable(user)).values_list("pk", flat=True))
        for obj in model.objects.all():
            if (obj.pk in listed) != can_read(user, obj):
                disagree.append(f"{name} #{obj.pk}: listed {obj.pk in listed}")
    assert not disagree, f"{PEOPLE[column]}: " + ", ".join(disagree[:20])
