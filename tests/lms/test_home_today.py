"""The home page's "what needs me today", per role: the items and their links appear with
realistic data, disappear when nothing waits, stay within the person's scope, and cost a
fixed number of queries whatever the data."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from assessments.models import (
    Appeal,
    AppealState,
    ImportBatch,
    ImportState,
    QuizPage,
    QuizSlot,
)
from assessments.questions import services as question_services
from assessments.questions.data import Question as Q
from assessments.questions.data import QuestionType
from assessments.quizzes import services as attempts
from courses.demo.live import DRILLS, _drill_page
from courses.drills.selectors import review_workflow
from courses.learning import services as learning_services
from courses.models import Assignment, DrillIndexPage, DrillPage, Enrolment, TrainingHomePage
from courses.sessions import services as session_services
from lms.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db

NOTHING = "Nothing is waiting for you here today."


@pytest.fixture(autouse=True)
def english(settings, no_mfa_enforcement):
    settings.LANGUAGE_CODE = "en"


def home(client) -> str:
    factories.in_english(client)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def block(html: str, audience: str) -> str:
    """The HTML of one audience's block ("" when the page has none)."""
    start = html.find(f'data-audience="{audience}"')
    if start < 0:
        return ""
    end = html.find("data-audience=", start + 20)
    return html[start : end if end > 0 else len(html)]


# Data ------------------------------------------------------------------------------------


def due_course(index, person, *, days: int, title="客户服务知识", lessons=3):
    """`person` enrolled in a new course due in `days` days (negative: overdue)."""
    page, made = factories.course(index, title, lessons=lessons, slug=f"c-{title}-{days}")
    enrolment = learning_services.course_start(user=person.user, course=page)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        due_on=timezone.localdate() + datetime.timedelta(days=days)
    )
    page.lessons = made
    return page


def essay_quiz(course):
    (essay,) = question_services.questions_import(
        [Q(QuestionType.ESSAY, "描述一次投诉处理。", name="投诉处理描述")],
        default_category="客户服务知识",
    )
    quiz = QuizPage(title="客服测验", slug="quiz", pass_percent=Decimal(50))
    course.add_child(instance=quiz)
    QuizSlot.objects.create(quiz=quiz, question=essay, sort_order=0, mark=Decimal(4))
    return quiz


def essay_answer(quiz, user):
    attempt = attempts.attempt_start(quiz=quiz, user=user, rng=random.Random(0))
    attempts.answer_save(attempt=attempt, position=1, data={"text": "我先道歉再说明原因"})
    return attempts.attempt_submit(attempt=attempt)


def drill_for_review(author):
    training = TrainingHomePage.objects.get()
    drills = DrillIndexPage.objects.first()
    if drills is None:
        drills = DrillIndexPage(title="实战演练", slug="drills")
        training.add_child(instance=drills)
    page = _drill_page(DRILLS["complaint"], owner=author)
    page.slug = f"drill-{DrillPage.objects.count() + 1}"
    page.has_unpublished_changes = True
    drills.add_child(instance=page)
    page.save_revision(user=author)
    drill = DrillPage.objects.get(pk=page.pk)
    review_workflow().start(drill, author)
    return drill


# The learner -----------------------------------------------------------------------------


class TestLearner:
    def test_nothing_waiting(self, people, login):
        html = home(login(people["learner"]))
        learner = block(html, "learner")
        assert "My learning today" in learner and NOTHING in learner
        assert not block(html, "trainer") and not block(html, "hr")
        assert "About me" in html

    def test_continue_due_session_result_and_answer(self, people, login, index):
        learner = people["learner"]
        soon = due_course(index, learner, days=2, title="安全驾驶")
        late = due_course(index, learner, days=-3, title="客户服务知识")
        learning_services.lesson_complete(user=learner.user, lesson=late.lessons[0])
        session = factories.make_session(people["trainer"], title="投诉处理课堂")
        session_services.signup_create(user=learner.user, session=session)
        cycle = factories.make_cycle(state="computed")
        factories.assessment_result(cycle, learner, overall="85.5")
        appeal = Appeal.objects.create(
            cycle=cycle, user=learner.user, part="knowledge", comment="为什么扣分"
        )
        Appeal.objects.filter(pk=appeal.pk).update(
            state=AppealState.ANSWERED, answer="已核对。", answered_at=timezone.now()
        )

        html = block(home(login(learner)), "learner")
        assert NOTHING not in html
        # Continue: the overdue course comes first, at its second lesson.
        assert 'data-section="continue"' in html and late.lessons[1].url in html
        assert "Overdue since" in html and "Due " in html and soon.title in html
        assert reverse("sessions:session_detail", args=[session.pk]) in html
        assert reverse("cycles:mine_cycle", args=[cycle.pk]) in html and "85.5" in html
        assert f"{reverse('cycles:mine_cycle', args=[cycle.pk])}#part-knowledge" in html

    def test_a_learner_never_sees_anothers(self, people, login, index):
        colleague = people["colleague"]
        due_course(index, colleague, days=-1, title="别人的课程")
        session = factories.make_session(people["trainer"], title="别人的课堂")
        session_services.signup_create(user=colleague.user, session=session)
        cycle = factories.make_cycle(state="finalised")
        factories.assessment_result(cycle, colleague)
        html = home(login(people["learner"]))
        assert "别人的课程" not in html and "别人的课堂" not in html and cycle.name not in html
        assert NOTHING in block(html, "learner")

    def test_a_draft_cycles_result_is_not_shown(self, people, login):
        cycle = factories.make_cycle(state="draft")
        factories.assessment_result(cycle, people["learner"])
        assert NOTHING in block(home(login(people["learner"])), "learner")


# The trainer -----------------------------------------------------------------------------


class TestTrainer:
    def test_nothing_waiting(self, people, login):
        html = home(login(people["trainer"]))
        assert NOTHING in block(html, "trainer")
        assert "My trainees today" in html and "My learning today" in html  # both roles

    def test_grading_sessions_overdue_learners(self, people, login, course, index):
        trainer = people["trainer"]
        quiz = essay_quiz(course)
        essay_answer(quiz, people["learner"].user)  # the east: the trainer's
        essay_answer(quiz, people["south"].user)  # the south: not the trainer's
        due_course(index, people["xihu"], days=-2, title="逾期课程")  # east, overdue
        due_course(index, people["south"], days=-2, title="南方逾期")  # south, not theirs
        today = factories.make_session(trainer, starts_at=factories.at(0, 23), title="今晚课堂")
        tomorrow = factories.make_session(trainer, title="明天课堂")
        factories.make_session(trainer, starts_at=factories.at(3), title="三天后课堂")
        factories.make_session(people["admin"], title="别人的课堂")

        html = block(home(login(trainer)), "trainer")
        assert 'data-section="grading"' in html and "1 answer" in html
        assert reverse("quizzes:grading_queue") in html
        assert "今晚课堂" in html and "明天课堂" in html
        assert "三天后课堂" not in html and "别人的课堂" not in html
        assert reverse("sessions:session_check_in_code", args=[today.pk]) in html
        assert reverse("sessions:session_check_in_code", args=[tomorrow.pk]) in html
        assert "1 person overdue" in html
        assert f"{reverse('learning:report_people')}?status=overdue" in html
        assert "drills-to-review" not in html  # not a lead trainer

    def test_drills_waiting_for_a_lead_trainers_review(
        self, people, login, make_staff, org, index
    ):
        lead = make_staff(
            "east",
            roles=[Role.LEARNER, Role.TRAINER, Role.LEAD_TRAINER],
            position="trainer",
            number="LT01",
            trainer_units=[org["east"]],
        )
        other = drill_for_review(people["trainer"].user)
        own = drill_for_review(lead.user)  # their own: never theirs to approve
        html = home(login(lead))
        trainer = block(html, "trainer")
        assert "1 drill waiting for my review" in trainer
        assert reverse("wagtailadmin_pages:edit", args=[other.pk]) in trainer
        assert reverse("wagtailadmin_pages:edit", args=[own.pk]) not in trainer
        assert "My learning today" in html  # a lead trainer who learns sees both
        # A plain trainer is not asked to review.
        assert "drills-to-review" not in home(login(people["trainer"]))


# HR --------------------------------------------------------------------------------------


class TestHR:
    def test_nothing_waiting(self, people, login):
        html = home(login(people["hr"]))
        assert NOTHING in block(html, "hr") and not block(html, "trainer")
        assert "My learning today" in html

    def test_cycles_imports_appeals_and_certificates(self, people, login):
        draft = factories.make_cycle("2027年第一季度", starts_on=datetime.date(2027, 1, 1))
        computed = factories.make_cycle(state="computed")
        Appeal.objects.create(
            cycle=computed, user=people["learner"].user, part="knowledge", comment="为什么扣分"
        )
        finalised = factories.make_cycle(
            "2026年第三季度", starts_on=datetime.date(2026, 7, 1), days=91, state="finalised"
        )
        factories.assessment_result(finalised, people["learner"])
        factories.assessment_result(finalised, people["colleague"])
        factories.make_certificate(
            people["colleague"].user,
            cycle=finalised,
            issued_at=timezone.now(),
            expires_on=timezone.localdate(),
        )
        batch = ImportBatch.objects.create(
            kind="surveys", file_name="surveys.xlsx", sha256="0" * 64, size=10,
            state=ImportState.CHECKED,
        )  # fmt: skip
        ImportBatch.objects.create(
            kind="surveys", file_name="done.xlsx", sha256="1" * 64, size=10,
            state=ImportState.DONE,
        )  # fmt: skip

        html = block(home(login(people["hr"])), "hr")
        assert reverse("cycles:cycle_detail", args=[draft.pk]) in html
        assert "Draft: to compute" in html
        assert "1 appeal to answer before finalising" in html
        cycles = html.split('data-section="open-cycles"')[1].split("data-section=")[0]
        assert finalised.name not in cycles and draft.name in cycles
        assert reverse("imports:import_detail", args=[batch.pk]) in html
        assert "done.xlsx" not in html
        assert f"{reverse('cycles:appeal_list')}?state=open" in html and "1 appeal" in html
        assert reverse("certificates:certificate_issue", args=[finalised.pk]) in html
        assert "1 certificate to issue" in html
        assert "1 certificate not printed yet" in html
        assert f"{reverse('certificates:certificate_print')}?unprinted=on" in html
        assert f"{reverse('certificates:certificate_list')}?expiring=month" in html
        assert "1 certificate expires this month" in html

    def test_to_issue_counts_the_eligible_without_a_certificate_in_force(self, people, login):
        cycle = factories.make_cycle(state="finalised")
        for key in ("learner", "colleague", "xihu", "south"):
            factories.assessment_result(cycle, people[key])
        factories.assessment_result(cycle, people["trainer"], eligible=False)
        factories.make_certificate(people["learner"].user, cycle=cycle)  # in force
        factories.make_certificate(people["colleague"].user, cycle=cycle, revoked=True)
        # Expired is still "held": not to issue again (nor counted to print).
        factories.make_certificate(
            people["xihu"].user, cycle=cycle, expires_on=datetime.date(2020, 1, 1)
        )
        html = block(home(login(people["hr"])), "hr")
        assert f"{cycle.name}: 2 certificates to issue" in html  # colleague and south
        assert "not printed yet" in html and "1 certificate not printed yet" in html
        page = login(people["hr"]).get(reverse("certificates:certificate_issue", args=[cycle.pk]))
        assert page.status_code == 200

    def test_the_expiring_filter_lists_what_the_home_page_counts(self, people, login):
        cycle = factories.make_cycle(state="finalised")
        soon = factories.make_certificate(
            people["learner"].user, cycle=cycle, expires_on=timezone.localdate()
        )
        later = factories.make_certificate(
            people["colleague"].user,
            cycle=cycle,
            expires_on=timezone.localdate() + datetime.timedelta(days=40),
        )
        html = home(login(people["hr"]))
        assert "1 certificate expires this month" in html
        listed = login(people["hr"]).get(
            reverse("certificates:certificate_list"), {"expiring": "month"}
        )
        page = listed.content.decode()
        assert soon.serial in page and later.serial not in page


# Query counts ----------------------------------------------------------------------------


def _many(make_staff, org, n: int, start: int) -> list:
    return [
        make_staff("pudong-team", roles=[Role.LEARNER], number=f"Q{start + i:04d}")
        for i in range(n)
    ]


def _fill(people, index, course, make_staff, org, n: int) -> None:
    """Data for `n` people in every section of every role."""
    extra = _many(make_staff, org, n, 1000 * n)
    quiz = essay_quiz(course) if not QuizPage.objects.exists() else QuizPage.objects.get()
    learner = people["learner"]
    finalised = factories.make_cycle(
        f"终 {n}", starts_on=datetime.date(2026, 1, n), state="finalised"
    )
    computed = factories.make_cycle(
        f"算 {n}", starts_on=datetime.date(2026, 3, n), state="computed"
    )
    factories.assessment_result(computed, learner)
    for i, person in enumerate(extra):
        due_course(index, person, days=-1 - i, title=f"课程{n}-{i}", lessons=1)
        essay_answer(quiz, person.user)
        factories.assessment_result(finalised, person)
        factories.make_certificate(person.user, cycle=computed, expires_on=timezone.localdate())
        Appeal.objects.create(
            cycle=computed, user=person.user, part="knowledge", comment="为什么扣分"
        )
        ImportBatch.objects.create(
            kind="surveys", file_name=f"{n}-{i}.xlsx", sha256="0" * 64, size=1,
            state=ImportState.CHECKED,
        )  # fmt: skip
        session = factories.make_session(people["trainer"], title=f"课堂{n}-{i}", capacity=50)
        session_services.signup_create(user=learner.user, session=session)
        drill_for_review(person.user if i % 2 else people["admin"].user)
        appeal = Appeal.objects.create(
            cycle=computed, user=learner.user, part="teamwork", comment="为什么扣分"
        )
        Appeal.objects.filter(pk=appeal.pk).update(
            state=AppealState.ANSWERED, answered_at=timezone.now()
        )
    for i in range(n):
        due_course(index, learner, days=i - 2, title=f"我的课程{n}-{i}", lessons=2)


@pytest.fixture
def lead(make_staff, org):
    return make_staff(
        "east",
        roles=[Role.LEARNER, Role.TRAINER, Role.LEAD_TRAINER],
        position="trainer",
        number="LT09",
        trainer_units=[org["east"]],
    )


@pytest.mark.parametrize("role", ["learner", "trainer", "lead", "hr"])
def test_each_home_page_costs_the_same_queries_for_1_and_for_20_people(
    role, people, lead, login, index, course, make_staff, org, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = {**people, "lead": lead}
    client = login(people[role])
    factories.in_english(client)
    client.get("/")  # warm the caches every request finds warm (pages' version, outlines)
    counts = []
    for n in (1, 20):
        _fill(people, index, course, make_staff, org, n)
        client.get("/")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # HR's six counts (open cycles, appeals, to issue; to print, expiring; imports) are
    # three queries: the cycles, the certificates and the imports waiting.
    limits = {"learner": 11, "trainer": 20, "lead": 22, "hr": 19}
    with django_assert_max_num_queries(limits[role]):
        client.get("/")


def test_the_home_page_without_data_for_a_role_has_no_section(people, login):
    for key in ("learner", "trainer", "hr", "admin"):
        html = home(login(people[key]))
        assert 'data-section="' not in html, key
    assert Page.objects.exists()
    assert not Assignment.objects.exists()
