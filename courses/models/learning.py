"""Who must learn what, by when, and what they have done.

- An `Assignment` is an act of HR or a trainer: a course given to named people
  or to a rule (org unit, position, hired within the last N days).
- An `Enrolment` is one person's place in one course, whatever gave it to them
  (onboarding, an assignment, or their own choice), with its due date.
- A `LessonCompletion` is recorded once per person and lesson, with its time.
- A `Reminder` is sent once per enrolment and kind, so a scheduled run can be
  repeated without sending twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models.pages import CoursePage, LessonPage
from lms.models.accounts import Position
from lms.models.org import OrgUnit


class Assignment(models.Model):
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="assignments"
    )
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("people"),
        blank=True,
        related_name="+",
        help_text=_("Named people. Leave empty to assign by the rule below."),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Everyone in this unit and the units below it."),
    )
    position = models.CharField(_("position"), max_length=32, choices=Position.choices, blank=True)
    hired_within_days = models.PositiveIntegerField(
        _("hired within the last (days)"), null=True, blank=True
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    due_days_after_hire = models.PositiveSmallIntegerField(
        _("due (days after hire)"), null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    # Why the course was given, when something gave it rather than someone (a retraining
    # rule: the complaint, the cycle), as the learner and the reports show it; and the key
    # of that cause, the same for every assignment the same cause made.
    reason = models.CharField(_("why"), max_length=255, blank=True)
    cause_key = models.CharField(_("cause"), max_length=100, blank=True, db_index=True)
    # Where in the course to start (a lesson of it, or a drill), when the cause points there.
    focus_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("start with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_days_after_hire__isnull=True),
                name="assignment_one_due_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.title} ({self.pk})"

    @property
    def is_rule(self) -> bool:
        return bool(self.org_unit_id or self.position or self.hired_within_days)

    @property
    def active(self) -> bool:
        return self.cancelled_at is None


class EnrolmentSource(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding path")
    ASSIGNED = "assigned", _("Assigned")
    SELF = "self", _("Chosen by the learner")


class Enrolment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="enrolments"
    )
    source = models.CharField(_("source"), max_length=16, choices=EnrolmentSource.choices)
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    enrolled_at = models.DateTimeField(_("enrolled at"))
    due_on = models.DateField(_("due date"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # The last completion before the course was given again (the rest is in PastCompletion).
    completed_before = models.DateTimeField(_("completed before"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrolment_once_per_course")
        ]
        indexes = [
            models.Index(fields=["course", "completed_at"]),
            models.Index(fields=["due_on", "completed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.course_id}"


class LessonCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    # The course the lesson was in when it was completed, for counting by course.
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(_("completed at"))

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_completed_once")
        ]
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self) -> str:
        return f"{self.user_id} - {self.lesson_id} @ {self.completed_at:%Y-%m-%d %H:%M}"


class PastCompletion(models.Model):
    """A completion kept as history when a course is to be done again (its certificate
    expired): the course's (no lesson) or one lesson's, with when it was done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="past_completions"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"))
    archived_at = models.DateTimeField(_("kept as history at"))
    why = models.CharField(_("why"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("past completion")
        verbose_name_plural = _("past completions")
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self) -> str:
        return f"{self.user_id} - {self.course_id} @ {self.completed_at:%Y-%m-%d}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class Reminder(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed = models.BooleanField(default=False)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "kind"], name="reminder_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.enrolment_id}"
