# ruff: noqa: RUF001
"""A course assigned: each person it enrols is told once (inbox at once, e-mail by the workers),
in their language, with the course, the due date, why (for a course given for a cause) and a
link; the daily run of a rule tells only the people it enrols that day; people who start a
course themselves and leavers are not told; a whole unit is told in a bounded number of
queries."""

import datetime

import pytest
from django.core import mail
from django.utils import formats, timezone, translation

from assessments.certificates.expiry import expired_courses_reassign
from courses.learning import services
from courses.models import Enrolment, EnrolmentSource, LessonCompletion
from lms import services as lms_services
from lms.models import Notification
from tests.factories import TODAY, in_english, make_certificate

pytestmark = pytest.mark.django_db

KIND = "learning.assigned"


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def told(user):
    return list(Notification.objects.filter(person=user, kind=KIND).order_by("pk"))


def as_date(day, language):
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


@pytest.fixture
def mailboxes(people):
    """The learner reads Chinese, the colleague English; both have an e-mail address."""
    for who, language in (("learner", "zh-hans"), ("colleague", "en")):
        user = people[who].user
        user.email, user.language = f"{who}@example.com", language
        user.save(update_fields=["email", "language"])
    return people


def test_everyone_assigned_is_told_once_in_their_language(
    mailboxes, course, login, django_capture_on_commit_callbacks
):
    learner, colleague = mailboxes["learner"].user, mailboxes["colleague"].user
    due = in_days(14)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_create(
            by=mailboxes["hr"].user, course=course, people=[learner, colleague], due_on=due
        )

    (chinese,) = told(learner)
    assert chinese.subject == f"已为您分配课程：{course.title}"
    assert f"请在{as_date(due, 'zh-hans')}前完成。" in chinese.body
    assert chinese.link == course.url and f"http://testserver{course.url}" in chinese.body
    (english,) = told(colleague)
    assert english.subject == f"Course assigned: {course.title}"
    assert f"Please complete it by {as_date(due, 'en')}." in english.body
    assert "Why:" not in english.body  # someone assigned it, nothing happened

    assert sorted(m.to[0] for m in mail.outbox) == ["colleague@example.com", "learner@example.com"]
    sent = next(m for m in mail.outbox if m.to == ["colleague@example.com"])
    assert sent.subject == english.subject and course.title in sent.body

    inbox = in_english(login(colleague)).get("/inbox/").content.decode()
    assert f"Course assigned: {course.title}" in inbox


def test_a_rule_tells_only_the_people_it_enrols_each_time(people, course, make_staff):
    services.assignment_create(by=people["hr"].user, course=course, position="station_staff")
    newcomer = make_staff("xihu", number="N010", position="station_staff")
    services.staff_onboard(profile=newcomer)  # what the staff_created hook does
    assert len(told(newcomer.user)) == 1

    mover = people["south"]
    lms_services.staff_update(profile=mover, position="station_staff")
    assert services.assignments_sync() == 1
    assert services.assignments_sync() == 0  # the daily run, again
    assert len(told(mover.user)) == 1
    assert len(told(newcomer.user)) == 1
    assert Notification.objects.filter(kind=KIND).count() == 2


def test_a_due_date_brought_forward_is_told_a_finished_course_is_not(people, course):
    """Someone already in the course hears of an assignment that gives them a due date; one
    who finished it, whom the assignment changes nothing for, does not."""
    learner, colleague = people["learner"].user, people["colleague"].user
    services.course_start(user=learner, course=course)
    services.course_start(user=colleague, course=course)
    for lesson in course.lessons:
        services.lesson_complete(user=colleague, lesson=lesson)
    assert Notification.objects.filter(kind=KIND).count() == 0  # starting one's own: no news

    result = services.assignment_create(
        by=people["hr"].user, course=course, people=[learner, colleague], due_on=in_days(7)
    )
    assert result.enrolled == 0
    (notice,) = told(learner)
    assert as_date(in_days(7), "zh-hans") in notice.body
    assert told(colleague) == []


def test_leavers_are_not_told(people, course):
    leaver = people["colleague"]
    lms_services.staff_mark_left(profile=leaver, on=in_days(-1))
    services.assignment_create(
        by=people["hr"].user, course=course, people=[people["learner"].user, leaver.user]
    )
    # A cause (a complaint) about someone who has left since: enrolled, not told.
    services.assignment_for_cause(
        course=course,
        user=leaver.user,
        due_on=in_days(7),
        reason="投诉 C-1",
        cause_key="complaint:C-1",
        actor_label="test",
    )
    assert len(told(people["learner"].user)) == 1
    assert told(leaver.user) == []


def test_a_course_given_for_a_cause_says_why_each_time(mailboxes, course):
    colleague = mailboxes["colleague"].user  # reads English
    for lesson in course.lessons:
        services.lesson_complete(user=colleague, lesson=lesson)
    reason = "At-fault complaint C-7 (attitude, received 2026-05-02); rule “Service”."
    for n in (1, 2):
        services.assignment_for_cause(
            course=course,
            user=colleague,
            due_on=in_days(10 * n),
            reason=reason,
            cause_key=f"complaint:C-{n}",
            focus_page=course.lessons[1],
            actor_label="retraining rule 1",
        )
    first, second = told(colleague)
    assert f"Why: {reason}" in first.body
    assert f"Start with “{course.lessons[1].title}”." in first.body
    assert as_date(in_days(10), "en") in first.body
    # The second cause, while the course is open again: told again, still due the earlier day.
    assert f"Why: {reason}" in second.body and as_date(in_days(10), "en") in second.body

    learner = mailboxes["learner"].user  # reads Chinese
    services.assignment_for_cause(
        course=course,
        user=learner,
        due_on=in_days(7),
        reason="有责投诉 C-9",
        cause_key="complaint:C-9",
        actor_label="retraining rule 1",
    )
    (notice,) = told(learner)
    assert "原因：有责投诉 C-9\n" in notice.body


def test_an_expired_certificate_gives_the_course_again_and_says_so(people, course):
    user = people["learner"].user
    done_at = timezone.now() - datetime.timedelta(days=366)
    Enrolment.objects.create(
        user=user,
        course=course,
        source=EnrolmentSource.SELF,
        enrolled_at=done_at,
        completed_at=done_at,
    )
    for lesson in course.lessons:
        LessonCompletion.objects.create(
            user=user, lesson=lesson, course=course, completed_at=done_at
        )
    certificate = make_certificate(
        user, course=course, issued_on=TODAY - datetime.timedelta(days=366), expires_on=TODAY
    )
    assert expired_courses_reassign(on=TODAY + datetime.timedelta(days=1)) == 1
    (notice,) = told(user)
    assert certificate.serial in notice.body and "原因：" in notice.body


def test_a_whole_unit_is_told_in_a_bounded_number_of_queries(
    people, course, make_staff, org, django_assert_max_num_queries
):
    """Assigning a course to a unit of 50 costs no more queries than to a unit of 5: the
    notifications are written in bulk, not a few queries per person."""
    for n in range(5):
        make_staff("xihu", number=f"X{n:03d}")
    for n in range(50):
        make_staff("tianhe", number=f"S{n:03d}")
    hr = people["hr"].user
    with django_assert_max_num_queries(20) as small:
        services.assignment_create(by=hr, course=course, org_unit=org["xihu"])
    with django_assert_max_num_queries(20) as large:
        result = services.assignment_create(by=hr, course=course, org_unit=org["tianhe"])
    assert result.enrolled == 51  # the 50 and 黄丽 (L004)
    assert Notification.objects.filter(kind=KIND).count() == 6 + 51
    assert len(large.captured_queries) <= len(small.captured_queries)


def test_a_new_member_of_staff_is_told_their_onboarding_path_in_one_message(
    people, index, django_capture_on_commit_callbacks
):
    from tests import factories

    for order in (2, 1):
        factories.course(
            index, f"模块{order}", lessons=1, onboarding_order=order, onboarding_due_days=7 * order
        )
    factories.course(index, "选修课", lessons=1)  # not on the path: not in the message
    hired = in_days(-3)
    with django_capture_on_commit_callbacks(execute=True):
        profile = lms_services.staff_create(
            employee_number="N100", full_name="新同事", org_unit=people["learner"].org_unit,
            position="courier", hire_date=hired, email="new@example.com",
        )  # fmt: skip

    (message,) = told(profile.user)
    assert message.subject == "您的入职培训路径：2 门课程"
    assert message.link == "/learning/"
    first, second = (hired + datetime.timedelta(days=days) for days in (7, 14))
    assert f"1. “模块1”，{as_date(first, 'zh-hans')}前完成" in message.body
    assert f"2. “模块2”，{as_date(second, 'zh-hans')}前完成" in message.body
    assert "选修课" not in message.body
    (sent,) = [m for m in mail.outbox if m.to == ["new@example.com"] and "入职" in m.subject]
    assert "http://testserver/learning/" in sent.body

    services.staff_onboard(profile=profile)  # run again (a re-sent hook): told once
    assert len(told(profile.user)) == 1


def test_no_onboarding_path_no_message(people, course, make_staff):
    newcomer = make_staff("xihu", number="N011", position="courier")
    services.staff_onboard(profile=newcomer)
    assert told(newcomer.user) == []
