"""The demo training that `manage.py seed_demo` loads (courses.demo.learning,
courses.demo.learning_content).

The demo is loaded once for the module, inside a transaction rolled back at the
end; each test runs in a savepoint of its own.
"""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Revision

from courses.blocks import LessonBodyBlock
from courses.learning.selectors import my_learning
from courses.learning.services import prerequisites_missing
from courses.models import (
    Assignment,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    ModuleCategory,
    TrainingHomePage,
)
from lms.models import StaffProfile, StaffStatus, User

pytestmark = pytest.mark.django_db

MODULE_ORDER = ["culture", "service", "process", "emergency", "teamwork"]


@pytest.fixture
def courses(seed_output):
    return list(CoursePage.objects.live().order_by("onboarding_order"))


def lessons_of(course):
    return list(LessonPage.objects.child_of(course).live().order_by("path"))


def counts():
    return {
        "pages": (
            TrainingHomePage.objects.count(),
            CourseIndexPage.objects.count(),
            CoursePage.objects.count(),
            LessonPage.objects.count(),
        ),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "enrolments": Enrolment.objects.count(),
        "completions": LessonCompletion.objects.count(),
        "assignments": Assignment.objects.count(),
        "e1001": list(
            Enrolment.objects.filter(user__username="E1001")
            .order_by("course_id")
            .values_list("course_id", "due_on", "completed_at")
        ),
    }


def test_five_courses_one_per_module_in_the_manuals_order(courses, seed_output):
    assert TrainingHomePage.objects.live().get().title == "培训中心"
    assert CourseIndexPage.objects.live().get().title == "课程"
    assert [c.module for c in courses] == MODULE_ORDER
    assert set(MODULE_ORDER) == set(ModuleCategory.values)
    assert [c.onboarding_order for c in courses] == [1, 2, 3, 4, 5]
    due_days = [c.onboarding_due_days for c in courses]
    assert due_days == sorted(due_days)
    for course in courses:
        assert len(lessons_of(course)) >= 3, course.title
        assert course.summary and course.cover_image is not None
        assert course.live_revision is not None
        assert all(lesson.live_revision is not None for lesson in lessons_of(course))
    assert "Demo training loaded" in seed_output


def test_course_targets_and_prerequisite(courses):
    by_module = {c.module: c for c in courses}
    assert set(by_module["service"].target_positions) == {"customer_service", "courier"}
    assert by_module["culture"].target_positions == []
    assert list(by_module["emergency"].prerequisites.all()) == [by_module["process"]]
    assert by_module["process"].onboarding_order < by_module["emergency"].onboarding_order


def test_every_block_type_is_used_and_every_body_is_valid(courses):
    block = LessonBodyBlock()
    used = set()
    for course in courses:
        kinds_in_course = set()
        for lesson in lessons_of(course):
            block.clean(lesson.body)  # as the editor would save it
            kinds_in_course |= {child.block_type for child in lesson.body}
        assert "knowledge_check" in kinds_in_course, course.title
        assert "key_rule" in kinds_in_course, course.title
        used |= kinds_in_course
    assert used == set(block.child_blocks)


def test_lessons_cite_the_manual_and_use_its_words(courses):
    text = ""
    clauses = set()
    for course in courses:
        for lesson in lessons_of(course):
            text += lesson.body_text()
            clauses |= {
                child.value["clause"] for child in lesson.body if child.block_type == "key_rule"
            }
    assert "投诉" in text and "时效" in text and "首问负责制" in text
    assert {"3.1.2", "3.1.3", "3.1.4", "3.1.5", "4.1.3", "7.2.3", "8.2.1", "6.2.3"} <= clauses
    assert all(re.fullmatch(r"\d+(\.\d+){0,3}", clause) for clause in clauses)


def test_media_are_real_files(courses, tmp_path_factory):
    for course in courses:
        image = course.cover_image
        assert image.width == 1200 and image.height == 675 and image.file_size > 0
        # Written to the test's media directory, not the project's.
        assert image.file.path.startswith(str(tmp_path_factory.getbasetemp()))
        assert re.search(r"[\u4e00-\u9fff]", image.title)
    video = next(
        child.value
        for course in courses
        for lesson in lessons_of(course)
        for child in lesson.body
        if child.block_type == "video"
    )
    assert video["url"].endswith(".mp4") and video["poster"] is not None
    assert "客服" in video["transcript"]
    documents = get_document_model().objects.all()
    assert {d.file_extension for d in documents} == {"txt", "csv"}
    for document in documents:
        with document.open_file() as f:
            content = f.read().decode("utf-8-sig")
        assert "时效" in content or "检查" in content


def test_seeding_twice_duplicates_nothing(seed_output):
    before = counts()
    output = StringIO()
    call_command("seed_demo", stdout=output)
    assert counts() == before
    assert "already loaded" in output.getvalue()


def test_every_active_member_of_staff_has_the_onboarding_path(courses):
    active = StaffProfile.objects.filter(status=StaffStatus.ACTIVE)
    assert Enrolment.objects.filter(user__profile__in=active).count() == 5 * active.count()
    leavers = StaffProfile.objects.filter(status=StaffStatus.LEFT)
    assert leavers.exists()
    assert not Enrolment.objects.filter(user__profile__in=leavers).exists()


def test_demo_learners_are_at_different_stages(courses):
    finished = {
        user_id
        for user_id in Enrolment.objects.filter(completed_at__isnull=False).values_list(
            "user_id", flat=True
        )
        if Enrolment.objects.filter(user_id=user_id, completed_at__isnull=True).count() == 0
    }
    started = set(LessonCompletion.objects.values_list("user_id", flat=True))
    everyone = set(Enrolment.objects.values_list("user_id", flat=True))
    assert len(finished) >= 3
    assert len(started - finished) >= 3
    assert len(everyone - started) >= 3
    now = timezone.now()
    assert not LessonCompletion.objects.filter(completed_at__gt=now).exists()
    spread = LessonCompletion.objects.values_list("completed_at", flat=True)
    assert max(spread) - min(spread) > datetime.timedelta(days=14)
    # Nobody has a lesson of a course whose prerequisite they have not completed.
    emergency = courses[3]
    for user_id in LessonCompletion.objects.filter(course=emergency).values_list(
        "user_id", flat=True
    ):
        assert not prerequisites_missing(User.objects.get(pk=user_id), emergency)
    # A completed course's completion time is its last lesson's.
    for enrolment in Enrolment.objects.filter(completed_at__isnull=False)[:20]:
        last = (
            LessonCompletion.objects.filter(user=enrolment.user, course=enrolment.course)
            .order_by("-completed_at")
            .values_list("completed_at", flat=True)
            .first()
        )
        assert enrolment.completed_at == last


def test_the_demo_learner_shows_every_state(courses):
    learner = User.objects.get(username="E1001")
    learning = my_learning(learner)
    today = timezone.localdate()
    assert [item.enrolment.course.module for item in learning.completed] == ["culture"]
    in_progress = [item for item in learning.open if item.status.started]
    assert [item.enrolment.course.module for item in in_progress] == ["service"]
    service = in_progress[0]
    assert 0 < service.status.lessons_done < service.status.lessons_total
    assert service.continue_lesson == lessons_of(courses[1])[service.status.lessons_done]
    overdue = [item for item in learning.open if item.status.overdue]
    due_soon = [item for item in learning.open if item.status.due_soon]
    assert len(overdue) == 1 and len(due_soon) == 1
    assert today <= due_soon[0].status.due_on <= today + datetime.timedelta(days=3)
    assert prerequisites_missing(learner, courses[3]) == [courses[2]]
    completed = learning.completed[0].enrolment
    assert completed.completed_at < timezone.now() - datetime.timedelta(days=7)


def test_hr_assigned_the_customer_service_course(courses):
    # The one HR made (the others are the retraining rules' and the expired certificates').
    assignment = Assignment.objects.get(created_by__isnull=False)
    assert assignment.created_by.username == "H0001"
    assert assignment.course.module == "service"
    assert assignment.position == "customer_service"
    assert assignment.due_on and assignment.due_on > timezone.localdate()
    agents = StaffProfile.objects.filter(position="customer_service", status=StaffStatus.ACTIVE)
    # An agent a rule gave the course again has the rule's reason on the same enrolment.
    enrolled = Enrolment.objects.filter(course=assignment.course, user__profile__in=agents)
    assert enrolled.count() == agents.count() > 0
    assert assignment.enrolments.exists()


def test_the_information_security_text_and_who_acknowledged_it(seed_output):
    """Manual chapter 8 in two versions; most staff acknowledged the current one, E1001 and the
    newest hire never did, one acknowledgement is over a year old, two are of version 1."""
    from courses.acknowledgements import selectors
    from courses.models import ConfidentialityPage

    page = ConfidentialityPage.objects.live().get()
    assert page.version == 2 and page.version_note
    assert Revision.objects.for_instance(page).count() == 2
    text = page.title + page.summary + page.version_note + str(page.body.raw_data)
    assert "8.1.5" in text and "8.2.1" in text and "我承诺" in text
    prose = re.sub(r"<[^>]+>|\d+\.\d+(\.\d+)?", "", text.split("[", 1)[1])
    assert not re.search(r"[\u4e00-\u9fff][,:;()?!]|[,:;()?!][\u4e00-\u9fff]", prose)

    current = selectors.current_text()
    reasons = {
        p.user.username: selectors.row_reason(p, current) for p in selectors.outstanding(current)
    }
    assert reasons["E1001"] == str(selectors.REASONS[selectors.NEVER])
    assert reasons["E1008"] == str(selectors.REASONS[selectors.EXPIRED])
    assert reasons["E1011"] == reasons["E1015"] == str(selectors.REASONS[selectors.NEW_VERSION])
    assert len(reasons) == 5  # and the newest hire
    active = StaffProfile.objects.filter(status=StaffStatus.ACTIVE).count()
    assert active - len(reasons) >= 30
    assert not selectors.standing(User.objects.get(username="H0001"), current).due
