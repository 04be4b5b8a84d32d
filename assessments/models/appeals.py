"""Appeals: a person questions one part of their result in a computed cycle, HR answers.

An appeal points at the cycle, the person and the part, not at the result row: computing a
cycle again replaces its results, and the appeal must survive that.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models.cycles import AssessmentCycle

COMMENT_MAX = 2000
ANSWER_MAX = 4000


class AppealPart(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Knowledge")
    SATISFACTION = "satisfaction", _("Customer satisfaction")
    EFFICIENCY = "efficiency", _("Work efficiency")
    TEAMWORK = "teamwork", _("Teamwork and communication")
    OVERALL = "overall", _("Overall")


class AppealState(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")


class Appeal(models.Model):
    cycle = models.ForeignKey(
        AssessmentCycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="appeals"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="assessment_appeals",
    )
    part = models.CharField(_("part"), max_length=16, choices=AppealPart.choices)
    comment = models.TextField(pgettext_lazy("appeal", "question"), max_length=COMMENT_MAX)
    score_when_raised = models.DecimalField(
        _("score when raised"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    state = models.CharField(
        _("state"), max_length=16, choices=AppealState.choices, default=AppealState.OPEN
    )
    answer = models.TextField(_("answer"), max_length=ANSWER_MAX, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    score_after = models.DecimalField(
        _("score when answered"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    recompute = models.BooleanField(_("cycle recomputed after the answer"), default=False)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "user", "part"],
                condition=Q(state="open"),
                name="one_open_appeal_per_part",
            )
        ]
        indexes = [models.Index(fields=["cycle", "state"]), models.Index(fields=["user", "cycle"])]

    def __str__(self) -> str:
        return f"{self.cycle_id} · {self.user_id} · {self.part}"
