"""Certificates that expire: their holders and HR are reminded once, in their own language,
and an expired course certificate gives its holder the course again, once."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from assessments.certificates import expiry
from assessments.certificates.expiry import (
    certificate_reminders_send,
    expired_course_certificates,
    expired_courses_reassign,
)
from assessments.models import Certificate
from courses.models import (
    Assignment,
    Enrolment,
    EnrolmentSource,
    LessonCompletion,
    PastCompletion,
    Reminder,
)
from lms.models import AuditEvent, Delivery, Notification, StaffStatus
from lms.models.audit import AuditAction
from lms.notifications.delivery import deliver_due
from tests.concurrency import postgresql_only, run_at_once
from tests.factories import TODAY, make_certificate

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def mailboxes(people):
    """E-mail addresses for the learner (in English), the colleague (in Chinese) and HR."""
    for who, language in (("learner", "en"), ("colleague", "zh-hans"), ("hr", "en")):
        user = people[who].user
        user.email = f"{who}@example.com"
        user.language = language
        user.save(update_fields=["email", "language"])
    return people


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """`certificate_reminders_send`, its notifications delivered once it commits."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return certificate_reminders_send(**kwargs)

    return run


def leave(profile):
    profile.status, profile.left_on = StaffStatus.LEFT, TODAY
    profile.save(update_fields=["status", "left_on"])


def sent_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_holders_and_hr_are_reminded_once_before_the_expiry(remind, mailboxes, course, cycle):
    people = mailboxes
    soon = make_certificate(people["learner"].user, course=course, expires_on=TODAY + 10 * DAY)
    also = make_certificate(people["learner"].user, cycle=cycle, expires_on=TODAY + 30 * DAY)
    colleague = make_certificate(people["colleague"].user, course=course, expires_on=TODAY)
    later = make_certificate(people["learner"].user, course=course, expires_on=TODAY + 31 * DAY)
    gone = make_certificate(people["xihu"].user, course=course, expires_on=TODAY - DAY)
    revoked = make_certificate(
        people["south"].user, course=course, expires_on=TODAY + DAY, revoked=True
    )
    never = make_certificate(people["south"].user, course=course)

    assert remind(on=TODAY) == 3
    [learner_mail] = sent_to("learner@example.com")
    assert learner_mail.subject == "2 of your certificates expire soon"
    assert soon.serial in learner_mail.body and also.serial in learner_mail.body
    assert "客户服务知识" in learner_mail.body and "2026年第三季度考核" in learner_mail.body
    assert "the course is assigned to you again" in learner_mail.body  # the course one
    assert "http://testserver/certificates/" in learner_mail.body
    [colleague_mail] = sent_to("colleague@example.com")
    assert colleague.serial in colleague_mail.body
    # In the colleague's language (Chinese): the dates, at least, whatever the catalogue has.
    assert f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in colleague_mail.body
    assert f"{TODAY.year}年" not in learner_mail.body.replace("2026年第三季度", "")
    [hr_mail] = sent_to("hr@example.com")
    assert hr_mail.subject == "3 certificates expire soon"
    assert "客户服务知识: 2 certificates" in hr_mail.body
    assert "2026年第三季度考核: 1 certificate" in hr_mail.body
    assert len(mail.outbox) == 3

    reminded = {c.pk for c in [soon, also, colleague]}
    for certificate in (soon, also, colleague, later, gone, revoked, never):
        certificate.refresh_from_db()
        assert (certificate.reminded_at is not None) == (certificate.pk in reminded)

    # Once: the next run (the same day, or the next) sends nothing again.
    mail.outbox.clear()
    assert remind(on=TODAY) == 0
    assert mail.outbox == []
    # The next day, `later` is 30 days away: only it.
    assert remind(on=TODAY + DAY) == 1
    [learner_mail] = sent_to("learner@example.com")
    assert later.serial in learner_mail.body and soon.serial not in learner_mail.body


def test_the_reminder_period_is_a_setting(settings, remind, mailboxes, course):
    settings.LMS_CERTIFICATE_REMINDER_DAYS = 5
    make_certificate(mailboxes["learner"].user, course=course, expires_on=TODAY + 6 * DAY)
    assert remind(on=TODAY) == 0
    assert remind(on=TODAY + DAY) == 1


def test_leavers_are_not_reminded(remind, mailboxes, course):
    profile = mailboxes["learner"]
    leave(profile)
    make_certificate(profile.user, course=course, expires_on=TODAY + DAY)
    assert remind(on=TODAY) == 0
    assert mail.outbox == []


def test_a_reminder_that_could_not_be_sent_is_tried_again(remind, mailboxes, course, settings):
    certificate = make_certificate(
        mailboxes["learner"].user, course=course, expires_on=TODAY + DAY
    )
    settings.EMAIL_BACKEND = "tests.courses.learning.test_reminders.BrokenBackend"
    assert remind(on=TODAY) == 1
    certificate.refresh_from_db()
    assert certificate.reminded_at is not None  # claimed once: the delivery is retried
    failed = Delivery.objects.get(notification__person=mailboxes["learner"].user)
    assert failed.state == "retrying" and "SMTP" in failed.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert remind(on=TODAY) == 0
    assert deliver_due(now=timezone.now() + datetime.timedelta(hours=1)) >= 1
    assert len(sent_to("learner@example.com")) == 1


# Expired course certificates -----------------------------------------------------------------


@pytest.fixture
def completed(people, course):
    """The learner completed the course a year ago; the certificate expired yesterday."""
    user = people["learner"].user
    done_at = timezone.now() - datetime.timedelta(days=366)
    enrolment = Enrolment.objects.create(
        user=user,
        course=course,
        source=EnrolmentSource.SELF,
        enrolled_at=done_at,
        completed_at=done_at,
        due_on=TODAY - 400 * DAY,
        last_lesson=course.lessons[-1],
    )
    for lesson in course.lessons:
        LessonCompletion.objects.create(
            user=user, lesson=lesson, course=course, completed_at=done_at
        )
    certificate = make_certificate(
        user, course=course, issued_on=TODAY - 366 * DAY, expires_on=TODAY - DAY
    )
    return enrolment, certificate


def test_an_expired_course_certificate_gives_the_course_again_once(settings, people, completed):
    settings.LMS_CERTIFICATE_RETAKE_DAYS = 14
    enrolment, certificate = completed
    Reminder.objects.create(enrolment=enrolment, kind="overdue")
    done_at = enrolment.completed_at
    assert expired_courses_reassign(on=TODAY) == 1

    enrolment.refresh_from_db()
    assert enrolment.completed_at is None
    assert enrolment.due_on == TODAY + 14 * DAY
    assert enrolment.source == EnrolmentSource.ASSIGNED and enrolment.last_lesson is None
    assert not LessonCompletion.objects.filter(user=enrolment.user).exists()
    # What was done the first time is kept as history: the course and every lesson.
    assert enrolment.completed_before == done_at
    past = PastCompletion.objects.filter(user=enrolment.user, course=enrolment.course_id)
    assert past.filter(lesson=None).get().completed_at == done_at
    assert past.exclude(lesson=None).count() == len(enrolment.course.get_children())
    assert all(certificate.serial in p.why for p in past)
    assert not Reminder.objects.filter(enrolment=enrolment).exists()
    assignment = Assignment.objects.get()
    assert certificate.serial in assignment.reason
    assert enrolment.assignment == assignment
    assert list(assignment.people.all()) == [people["learner"].user]
    assert certificate.serial in assignment.note and assignment.created_by is None
    event = AuditEvent.objects.get(action=AuditAction.COURSE_ASSIGNED)
    assert event.actor_id is None and event.actor_label == "manage.py certificate_reminders"
    assert event.details["certificate"] == certificate.serial

    # Once per certificate, even once the course is done again.
    assert expired_courses_reassign(on=TODAY) == 0
    assert expired_courses_reassign(on=TODAY + 100 * DAY) == 0
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=timezone.now())
    assert expired_courses_reassign(on=TODAY + DAY) == 0
    assert Assignment.objects.count() == 1
    certificate.refresh_from_db()
    assert certificate.revoked_at is None  # the record stays as it was


def test_what_is_not_given_again(people, course, cycle, completed):
    _enrolment, certificate = completed
    # Not yet expired on its last day.
    assert list(expired_course_certificates(certificate.expires_on)) == []
    # A cycle certificate that expired: nothing to assign.
    make_certificate(people["colleague"].user, cycle=cycle, expires_on=TODAY - DAY)
    # A revoked course certificate that expired.
    make_certificate(people["xihu"].user, course=course, expires_on=TODAY - DAY, revoked=True)
    # An expired one whose holder earned a newer one since.
    make_certificate(
        people["south"].user, course=course, issued_on=TODAY - 800 * DAY, expires_on=TODAY - DAY
    )
    make_certificate(people["south"].user, course=course, issued_on=TODAY - 10 * DAY)
    assert list(expired_course_certificates(TODAY)) == [certificate]
    # Someone who has left.
    leave(people["learner"])
    assert expired_courses_reassign(on=TODAY) == 0
    assert not Assignment.objects.exists()


def test_a_holder_without_an_enrolment_is_enrolled(people, course):
    certificate = make_certificate(people["colleague"].user, course=course, expires_on=TODAY - DAY)
    assert expired_courses_reassign(on=TODAY) == 1
    enrolment = Enrolment.objects.get(user=certificate.user)
    assert enrolment.completed_at is None and enrolment.assignment is not None
    # Told, as one whose enrolment is reopened is: the course is theirs to do again, and why.
    (told,) = Notification.objects.filter(person=certificate.user, kind="learning.assigned")
    assert certificate.serial in told.body


def test_the_command_runs_both_and_is_safe_to_repeat(mailboxes, course, completed):
    make_certificate(mailboxes["colleague"].user, course=course, expires_on=TODAY + 3 * DAY)
    out = StringIO()
    call_command("certificate_reminders", stdout=out)
    assert "1 certificates reminded of, 1 expired course certificates" in out.getvalue()
    assert "0 old print jobs' PDFs removed, 0 lost renderings queued again" in out.getvalue()
    out = StringIO()
    call_command("certificate_reminders", stdout=out)
    assert "0 certificates reminded of, 0 expired" in out.getvalue()
    call_command("certificate_reminders", "--on", (TODAY + 2 * DAY).isoformat(), stdout=out)
    with pytest.raises(Exception, match="not a date"):
        call_command("certificate_reminders", "--on", "tomorrow")


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_runs_at_the_same_time_remind_and_reassign_once(mailboxes, course, completed):
    for n in range(5):
        make_certificate(mailboxes["colleague"].user, course=course, expires_on=TODAY + n * DAY)
    results = run_at_once([lambda: expiry.certificate_expiry_run(on=TODAY) for _ in range(4)])
    assert sum(r["reminded"] for r in results) == 5
    assert sum(r["reassigned"] for r in results) == 1
    assert len(sent_to("colleague@example.com")) == 1
    assert Assignment.objects.count() == 1


def test_a_rendering_lost_on_the_way_is_queued_again_by_the_daily_run(people, cycle):
    now = timezone.now()
    lost = make_certificate(people["learner"].user, cycle=cycle, rendered=False)
    recent = make_certificate(people["colleague"].user, cycle=cycle, rendered=False)
    revoked = make_certificate(people["xihu"].user, cycle=cycle, rendered=False, revoked=True)
    Certificate.objects.filter(pk__in=[lost.pk, revoked.pk]).update(
        issued_at=now - datetime.timedelta(hours=2)
    )
    Certificate.objects.filter(pk=recent.pk).update(issued_at=now - datetime.timedelta(minutes=5))

    counts = expiry.certificate_expiry_run(on=TODAY)  # the immediate backend renders at once

    assert counts["rendering_requeued"] == 1
    state = {c.pk: c.rendered_at is not None for c in Certificate.objects.all()}
    assert state == {lost.pk: True, recent.pk: False, revoked.pk: False}
    assert expiry.certificate_expiry_run(on=TODAY)["rendering_requeued"] == 0
