"""Scoring policies, assessment cycles and their results (manual 6.3).

- A `ScoringPolicy` is one version of the policy HR edits (assessments.scoring.Policy as
  JSON); versions are only ever added, so a cycle's policy never changes under it.
- An `AssessmentCycle` is a date window, the quizzes it requires and a policy version, and
  its state: draft, computed (recomputed as often as needed), finalised (locked).
- An `AssessmentResult` is one person's five parts in one cycle, with the explanation.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.models.quizzes import QuizPage
from assessments.scoring.arithmetic import policy_from_json
from lms.models.accounts import Position
from lms.models.org import OrgUnit
from lms.platform.fields import JSONTextField


class ScoringPolicy(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    data = models.JSONField(_("policy"))
    note = models.CharField(_("what changed"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("scoring policy")
        verbose_name_plural = _("scoring policies")
        ordering = ["-version"]

    def __str__(self) -> str:
        return _("Scoring policy v%(version)s") % {"version": self.version}

    @property
    def policy(self):
        return policy_from_json(self.data)


class CycleState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPUTED = "computed", _("Computed")
    FINALISED = "finalised", _("Finalised")


class AssessmentCycle(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    policy = models.ForeignKey(
        ScoringPolicy, verbose_name=_("scoring policy"), on_delete=models.PROTECT
    )
    required_quizzes = models.ManyToManyField(
        QuizPage, verbose_name=_("required quizzes"), blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=CycleState.choices, default=CycleState.DRAFT
    )
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The background task of the computation queued last: the cycle is "being computed"
    # only while that task waits or runs (lms.platform.jobs), not for a time.
    compute_task_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("assessment cycle")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="cycle_window_order"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AssessmentResult(models.Model):
    # No index of its own: the cycle leads both indexes below, which serve its lookups (one
    # index less to keep up for each of a large cycle's 50,000 results).
    cycle = models.ForeignKey(
        AssessmentCycle,
        verbose_name=_("cycle"),
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="assessment_results",
    )
    # Where the person was and what they did when the cycle was computed.
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.CharField(_("position"), max_length=32, choices=Position.choices)
    knowledge = models.DecimalField(_("knowledge"), max_digits=4, decimal_places=1, null=True)
    satisfaction = models.DecimalField(
        _("customer satisfaction"), max_digits=4, decimal_places=1, null=True
    )
    efficiency = models.DecimalField(
        _("work efficiency"), max_digits=4, decimal_places=1, null=True
    )
    teamwork = models.DecimalField(
        _("teamwork and communication"), max_digits=4, decimal_places=1, null=True
    )
    overall = models.DecimalField(_("overall"), max_digits=4, decimal_places=1, null=True)
    grade = models.CharField(_("grade"), max_length=16, blank=True)
    eligible = models.BooleanField(_("eligible for a certificate"), default=False)
    reasons = models.JSONField(_("why not eligible"), default=list)
    # Read whole, never searched into: JSON text rather than jsonb (see JSONTextField).
    explanation = JSONTextField(_("explanation"), default=dict)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("assessment result")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "user"], name="one_result_per_cycle")
        ]
        indexes = [
            models.Index(fields=["cycle", "org_unit"]),
            # HR's "certificates to issue": the eligible of a cycle, counted from the index.
            models.Index(fields=["cycle"], condition=Q(eligible=True), name="result_eligible"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.user}"
