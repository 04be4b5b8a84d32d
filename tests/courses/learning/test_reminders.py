"""Reminders before the due date and when overdue: notified once (inbox and e-mail, sent by the
notification service once the run commits), shown on the page."""

import datetime
import io

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

from courses.learning import services
from courses.models import Enrolment, Reminder
from lms.models import Delivery

pytestmark = pytest.mark.django_db


def due_in(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def assigned(people, course):
    """The learner has the course due in two days; a colleague has it overdue."""
    hr = people["hr"].user
    learner, colleague = people["learner"].user, people["colleague"].user
    learner.email, colleague.email = "wz@example.com", "lk@example.com"
    colleague.language = "en"
    learner.save(), colleague.save()
    services.assignment_create(by=hr, course=course, people=[learner, colleague], due_on=due_in(2))
    Enrolment.objects.filter(user=colleague).update(due_on=due_in(-1))
    return learner, colleague


class TestReminders:
    def test_due_soon_and_overdue_are_each_sent_once(
        self, assigned, course, django_capture_on_commit_callbacks
    ):
        _learner, _colleague = assigned
        with django_capture_on_commit_callbacks(execute=True):
            assert services.reminders_send() == 2
        assert {m.to[0] for m in mail.outbox} == {"wz@example.com", "lk@example.com"}
        english = next(m for m in mail.outbox if m.to == ["lk@example.com"])
        assert "overdue" in english.body and course.title in english.body
        chinese = next(m for m in mail.outbox if m.to == ["wz@example.com"])
        assert course.title in chinese.body and "/learning/" in chinese.body

        with django_capture_on_commit_callbacks(execute=True):
            assert services.reminders_send() == 0  # the scheduled run, again
            out = io.StringIO()
            call_command("learning_daily", stdout=out)
        assert "0 reminders sent" in out.getvalue()
        assert len(mail.outbox) == 2
        assert Reminder.objects.filter(emailed=True).count() == 2

    def test_a_reminder_is_not_sent_for_a_finished_course_or_far_due_date(self, assigned, course):
        learner, colleague = assigned
        for lesson in course.lessons:
            services.lesson_complete(user=colleague, lesson=lesson)
        Enrolment.objects.filter(user=learner).update(due_on=due_in(20))
        assert services.reminders_send() == 0
        assert mail.outbox == []

    def test_overdue_follows_due_soon_as_the_days_pass(self, assigned):
        learner, _colleague = assigned
        services.reminders_send()
        services.reminders_send(on=due_in(3))  # a day after the learner's due date
        kinds = Reminder.objects.filter(enrolment__user=learner).values_list("kind", flat=True)
        assert sorted(kinds) == ["due_soon", "overdue"]

    def test_reminders_show_on_the_learners_page_until_dismissed(
        self, assigned, people, course, login
    ):
        services.reminders_send()
        client = login(people["learner"])
        html = client.get("/learning/").content.decode()
        assert 'class="message warning reminder"' in html and course.title in html
        reminder = Reminder.objects.get(enrolment__user=people["learner"].user)
        client.post(f"/learning/reminders/{reminder.pk}/dismiss/")
        assert 'reminder"' not in client.get("/learning/").content.decode()

    def test_nobody_dismisses_someone_elses_reminder(self, assigned, people, login):
        services.reminders_send()
        theirs = Reminder.objects.get(enrolment__user=people["colleague"].user)
        login(people["learner"]).post(f"/learning/reminders/{theirs.pk}/dismiss/")
        theirs.refresh_from_db()
        assert theirs.dismissed_at is None

    def test_a_mail_failure_keeps_the_reminder_on_the_page_and_is_retried(
        self, assigned, settings, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = "tests.courses.learning.test_reminders.BrokenBackend"
        with django_capture_on_commit_callbacks(execute=True):
            assert services.reminders_send() == 2
        assert Reminder.objects.filter(dismissed_at__isnull=True).count() == 2
        failed = Delivery.objects.filter(channel="email", notification__kind="learning.reminders")
        assert [d.state for d in failed] == ["retrying", "retrying"]
        assert all("SMTP server unreachable" in d.last_error for d in failed)


class BrokenBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, messages):
        raise OSError("SMTP server unreachable")
