# ruff: noqa: RUF001 (full-width punctuation in the Chinese texts, on purpose)
"""The demo quizzes and attempts that `manage.py seed_demo` loads (assessments.demo.quizzes).

The demo is loaded once for the module, inside a transaction rolled back at the
end; each test runs in a savepoint of its own.
"""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from wagtail.models import Revision

from assessments.demo.cycles import QUARTERLY_SLUG
from assessments.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Question,
    QuizPage,
    QuizSlot,
    ReviewPolicy,
)
from assessments.questions.data import QuestionType
from assessments.quizzes import analysis
from assessments.quizzes.completion import required_quizzes
from courses.learning.services import enrolment_refresh_completion
from courses.models import CourseIndexPage, CoursePage, Enrolment, LessonCompletion
from lms.demo.company import DEMO_ACCOUNTS
from lms.models import User
from lms.permissions import StaffVisibility, staff_visibility

pytestmark = pytest.mark.django_db

TRAINERS = [account[0] for account in DEMO_ACCOUNTS if account[5]]


@pytest.fixture
def courses(seed_output):
    return list(CoursePage.objects.live().order_by("onboarding_order"))


@pytest.fixture
def exam(seed_output):
    return QuizPage.objects.child_of(CourseIndexPage.objects.get()).get(slug="onboarding-exam")


def onboarding(queryset, quiz="quiz__"):
    """Without the quarterly knowledge tests (and their attempts) of the demo cycles
    (assessments.demo.cycles): the quizzes and attempts of the onboarding."""
    return queryset.exclude(**{f"{quiz}slug__startswith": QUARTERLY_SLUG})


def test_a_live_test_in_every_demo_course(courses, seed_output):
    assert len(courses) == 5
    tests = []
    for course in courses:
        test = QuizPage.objects.child_of(course).get()
        tests.append(test)
        assert test.live and test.live_revision is not None
        assert test.title == f"模块测验：{course.title}"
        assert test.time_limit_minutes == 20 and test.attempts_allowed == 3
        assert test.pass_percent in (60, 80)
        assert test.required_for_completion and test.counts_toward_assessment
        assert test.shuffle_choices
        # About ten questions, all from the course's module, none graded by hand (the
        # test decides the course's completion).
        drawn = 0
        for slot in test.slots.select_related("category", "question__category"):
            category = slot.category or slot.question.category
            assert category.full_path.split("/")[0] == course.title
            if slot.question_id:
                assert slot.question.qtype != QuestionType.ESSAY
                drawn += 1
            else:
                pool = Question.objects.filter(category_id__in=slot.category.descendant_ids())
                assert pool.count() >= slot.count
                assert not pool.filter(qtype=QuestionType.ESSAY).exists()
                drawn += slot.count
        assert 10 <= drawn <= 12, course.title
    # The rules differ sensibly from one module to another.
    assert {t.review for t in tests} == {ReviewPolicy.IMMEDIATELY, ReviewPolicy.AFTER_CLOSE}
    assert all(
        t.closes_at and t.closes_at > timezone.now() for t in tests if t.review != "immediately"
    )
    assert any(t.wait_minutes for t in tests)
    assert {t.pass_percent for t in tests} == {60, 80}
    assert "Demo quizzes loaded" in seed_output


def test_the_end_of_onboarding_exam_stands_alone(courses, exam):
    now = timezone.now()
    assert exam.live and exam.live_revision is not None
    assert exam.title == "入职培训结业考试"
    assert (exam.time_limit_minutes, exam.attempts_allowed, exam.pass_percent) == (45, 2, 70)
    assert exam.review == ReviewPolicy.AFTER_CLOSE
    assert now - datetime.timedelta(days=28) < exam.opens_at < now - datetime.timedelta(days=14)
    assert now + datetime.timedelta(days=25) < exam.closes_at < now + datetime.timedelta(days=35)
    slots = list(exam.slots.select_related("category", "question").order_by("sort_order"))
    drawn = [slot for slot in slots if slot.category_id]
    assert {slot.category.full_path for slot in drawn} == {c.title for c in courses}
    assert all(slot.count == 4 for slot in drawn)
    [essay] = [slot for slot in slots if slot.question_id]
    assert essay.question.qtype == QuestionType.ESSAY and essay.mark == 5
    # Not a course's test: no course waits for it.
    assert not CoursePage.objects.filter(pk=exam.get_parent().pk).exists()


def test_demo_attempts_in_every_state(seed_output):
    attempts = onboarding(Attempt.objects.all())
    assert 60 <= attempts.count() <= 150
    states = Counter(attempts.values_list("state", "passed"))
    assert states[AttemptState.GRADED, True] >= 30
    assert states[AttemptState.GRADED, False] >= 10
    assert states[AttemptState.NEEDS_GRADING, None] >= 2
    assert states[AttemptState.IN_PROGRESS, None] >= 2
    # Enough graded attempts at every quiz for its item analysis to say something.
    for quiz in onboarding(QuizPage.objects.all(), quiz=""):
        assert attempts.filter(quiz=quiz, state=AttemptState.GRADED).count() >= 4, quiz.title
    # Taken in the past, within the time limit; the open ones can still be finished.
    now = timezone.now()
    attempts = Attempt.objects.all()  # the quarterly tests' too
    assert not attempts.filter(started_at__gt=now).exists()
    assert not attempts.filter(submitted_at__gt=now).exists()
    assert not attempts.filter(submitted_at__gt=F("deadline")).exists()
    assert not attempts.filter(auto_submitted=True).exists()
    assert not AttemptItem.objects.filter(saved_at__gt=now).exists()
    for attempt in attempts.filter(state=AttemptState.IN_PROGRESS):
        assert attempt.deadline > now
        assert attempt.items.filter(response__isnull=False).exists()
        assert attempt.items.filter(response__isnull=True).exists()


def test_trainers_graded_some_essays_and_others_wait(exam):
    now = timezone.now()
    trainers = {user.pk: user for user in User.objects.filter(username__in=TRAINERS)}
    graded = AttemptItem.objects.filter(graded_by__isnull=False).select_related(
        "attempt__user__profile__org_unit", "version"
    )
    assert graded.count() >= 3
    assert {item.graded_by_id for item in graded} == set(trainers)
    for item in graded:
        attempt = item.attempt
        assert attempt.quiz_id == exam.pk and attempt.state == AttemptState.GRADED
        assert item.version.content.qtype == QuestionType.ESSAY
        grader = trainers[item.graded_by_id]
        assert grader.pk != attempt.user_id
        assert staff_visibility.allows(grader, attempt.user.profile)
        assert item.grader_comment and item.response["text"]
        assert attempt.submitted_at < item.graded_at == attempt.graded_at < now
        assert Decimal(0) <= item.score <= item.mark
    assert {a.passed for a in Attempt.objects.filter(items__in=graded)} == {True, False}
    # The demo trainer has essays waiting in the grading queue.
    waiting = AttemptItem.objects.filter(
        StaffVisibility(via="attempt__user__profile").q(User.objects.get(username="T0001")),
        state="needs_grading",
        attempt__state=AttemptState.NEEDS_GRADING,
    ).exclude(attempt__user__username="T0001")
    assert waiting.count() >= 2
    assert all(item.response["text"] for item in waiting)


def test_answers_are_mostly_right_with_some_wrong(seed_output):
    items = AttemptItem.objects.filter(attempt__state=AttemptState.GRADED).exclude(
        version__question__qtype=QuestionType.ESSAY
    )
    fractions = list(items.values_list("fraction", flat=True))
    right = sum(1 for f in fractions if f == 1) / len(fractions)
    assert 0.6 < right < 0.9
    assert items.filter(response__isnull=True).exists()  # a few left unanswered
    # Some questions are much easier than others.
    by_question = defaultdict(list)
    for question_id, fraction in items.values_list("version__question_id", "fraction"):
        by_question[question_id].append(fraction or 0)
    facility = [sum(fs) / len(fs) for fs in by_question.values() if len(fs) >= 5]
    assert len(facility) >= 20
    assert max(facility) - min(facility) >= Decimal("0.4")
    # The wrong answers to a single-choice question are spread over its distractors.
    picked = Counter()
    for version_id, response, fraction in items.filter(
        version__question__qtype=QuestionType.SINGLE
    ).values_list("version_id", "response", "fraction"):
        if response and fraction == 0:
            picked[version_id, response["choice"]] += 1
    assert len(picked) > len({version for version, _choice in picked})


def test_the_module_tests_discriminate(courses):
    """Stronger learners do better on most questions: the item analysis finds it."""
    discriminations = []
    for course in courses[:3]:
        test = QuizPage.objects.child_of(course).get()
        records = defaultdict(dict)
        attempts = Attempt.objects.filter(quiz=test, state=AttemptState.GRADED)
        totals = {a.pk: Fraction(a.score) / Fraction(a.max_score) for a in attempts}
        maxima = {a.pk: a.max_score for a in attempts}
        for attempt_id, question_id, mark, fraction in AttemptItem.objects.filter(
            attempt__in=attempts
        ).values_list("attempt_id", "version__question_id", "mark", "fraction"):
            records[attempt_id][question_id] = analysis.ItemRecord(
                fraction=Fraction(fraction or 0),
                weight=Fraction(mark) / Fraction(maxima[attempt_id]),
            )
        result = analysis.analyse(
            analysis.AttemptRecord(total=totals[pk], items=items) for pk, items in records.items()
        )
        discriminations += [
            s.discrimination for s in result.questions.values() if s.discrimination is not None
        ]
    assert len(discriminations) >= 20
    assert sum(d > 0 for d in discriminations) > 0.6 * len(discriminations)


def test_every_completed_enrolment_has_passed_its_test(courses):
    completed = Enrolment.objects.filter(completed_at__isnull=False).select_related(
        "course", "user"
    )
    assert completed.count() >= 20
    for enrolment in completed:
        test = QuizPage.objects.child_of(enrolment.course).get()
        assert all(r.met for r in required_quizzes(enrolment.user, enrolment.course))
        passed = Attempt.objects.filter(quiz=test, user=enrolment.user, passed=True)
        # Passed by the time the course was complete.
        assert passed.filter(submitted_at__lte=enrolment.completed_at).exists(), enrolment
    # And no open enrolment is in fact complete by the rules.
    learners = set(LessonCompletion.objects.values_list("user_id", flat=True))
    open_ = Enrolment.objects.filter(completed_at__isnull=True, user_id__in=learners)
    assert open_.count() >= 10
    for enrolment in open_.select_related("course", "user"):
        refreshed = enrolment_refresh_completion(user=enrolment.user, course=enrolment.course)
        assert refreshed.completed_at is None, enrolment


def test_the_demo_learner_failed_then_passed(courses):
    learner = User.objects.get(username="E1001")
    culture, service = (QuizPage.objects.child_of(c).get() for c in courses[:2])
    mine = onboarding(Attempt.objects.filter(user=learner)).order_by("started_at")
    assert list(mine.filter(quiz=culture).values_list("passed", flat=True)) == [False, True]
    assert list(mine.filter(quiz=service).values_list("passed", flat=True)) == [False]
    assert not mine.filter(
        quiz__in=onboarding(QuizPage.objects.exclude(pk__in=[culture.pk, service.pk]), quiz="")
    )


def counts():
    return {
        "quizzes": QuizPage.objects.count(),
        "slots": QuizSlot.objects.count(),
        "revisions": Revision.objects.count(),
        "attempts": list(Attempt.objects.order_by("pk").values_list("pk", "state", "score")),
        "items": AttemptItem.objects.count(),
        "graded by hand": AttemptItem.objects.filter(graded_by__isnull=False).count(),
        "completed": Enrolment.objects.filter(completed_at__isnull=False).count(),
    }


def test_seeding_twice_adds_nothing(seed_output):
    before = counts()
    output = StringIO()
    call_command("seed_demo", stdout=output)
    assert counts() == before
    assert "Demo quizzes already loaded" in output.getvalue()
