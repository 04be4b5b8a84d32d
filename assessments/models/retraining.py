"""The loop back to training (manual 4.3.2, 5.3, 3.3.3): rules that give a course when the
data shows a need, and the causes each rule has answered.

- A `RetrainingRule`, written by HR (for the whole company or a unit) or a lead trainer (for
  their units), says: when this happens (an at-fault complaint, of a category or any; a part
  below a floor in a finalised cycle), give this course (starting at one of its lessons, or a
  drill), due in so many days.
- A `RetrainingCause` is one cause a rule has answered (a complaint, a person's result in a
  cycle), held once per rule by a unique constraint, with the assignment it made.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models.metrics import ComplaintCategory
from courses.models.learning import Assignment
from courses.models.pages import CoursePage
from lms.models.org import OrgUnit


class RetrainingTrigger(models.TextChoices):
    COMPLAINT = "complaint", _("A complaint the company was at fault for")
    LOW_PART = "low_part", _("A part below its floor in a finalised cycle")


class RetrainingPart(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Knowledge")
    SATISFACTION = "satisfaction", _("Customer satisfaction")
    EFFICIENCY = "efficiency", _("Work efficiency")
    TEAMWORK = "teamwork", _("Teamwork and communication")
    OVERALL = "overall", _("Overall score")


class RetrainingRule(models.Model):
    name = models.CharField(_("name"), max_length=100)
    trigger = models.CharField(_("trigger"), max_length=16, choices=RetrainingTrigger.choices)
    complaint_category = models.CharField(
        _("complaint category"),
        max_length=16,
        choices=ComplaintCategory.choices,
        blank=True,
        help_text=_("Leave empty for a complaint of any category."),
    )
    part = models.CharField(
        _("part of the score"), max_length=16, choices=RetrainingPart.choices, blank=True
    )
    floor = models.DecimalField(
        _("floor"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "Leave empty for the floor of the cycle's scoring policy (for the overall score: "
            "its pass mark)."
        ),
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.PROTECT, related_name="+"
    )
    focus_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("start with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A lesson of the course, or a drill, to point the learner to."),
    )
    due_days = models.PositiveSmallIntegerField(
        _("due in (days)"), default=14, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    applies_from = models.DateField(
        _("applies from"),
        default=timezone.localdate,
        help_text=_("Complaints received, and cycles ending, on or after this day."),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The staff of this unit and the units below it; empty: the whole company."),
    )
    active = models.BooleanField(pgettext_lazy("rule state", "active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("retraining rule")
        verbose_name_plural = _("retraining rules")
        ordering = ["-active", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class RetrainingCause(models.Model):
    """One cause a rule answered, once: the unique constraint makes a re-import or a second
    run give nothing twice."""

    rule = models.ForeignKey(
        RetrainingRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="causes"
    )
    cause_key = models.CharField(_("cause"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        verbose_name = _("retraining cause")
        verbose_name_plural = _("retraining causes")
        constraints = [
            models.UniqueConstraint(fields=["rule", "cause_key"], name="retraining_once_per_cause")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.cause_key}"
