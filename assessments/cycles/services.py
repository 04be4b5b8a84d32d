"""Writes of assessment cycles: opening one, queueing its computation, finalising it, and the
appeals against a result. One function per use case, each transactional."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.cycles import tasks
from assessments.cycles.compute import cycle_computing, cycle_last_failure, progress_reporter
from assessments.cycles.permissions import may_run_cycles
from assessments.cycles.signals import cycle_finalised
from assessments.models.appeals import ANSWER_MAX, COMMENT_MAX, Appeal, AppealPart, AppealState
from assessments.models.cycles import AssessmentCycle, AssessmentResult, CycleState, ScoringPolicy
from assessments.models.quizzes import QuizPage
from assessments.notifications import APPEAL_ANSWERED
from lms.audit import audit_record
from lms.models.audit import AuditAction
from lms.notifications.services import notify


@transaction.atomic
def cycle_create(
    *,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    policy: ScoringPolicy,
    quizzes: Iterable[QuizPage],
    by=None,
) -> AssessmentCycle:
    """A new draft cycle; ValidationError (by field) and nothing written when it is wrong."""
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if starts_on and ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The cycle cannot end before it starts."))
    if name and AssessmentCycle.objects.filter(name=name).exists():
        errors.setdefault("name", []).append(_("A cycle with this name already exists."))
    if policy is None or not ScoringPolicy.objects.filter(pk=policy.pk).exists():
        errors.setdefault("policy", []).append(_("Choose an existing policy version."))
    if errors:
        raise ValidationError(errors)
    cycle = AssessmentCycle(name=name, starts_on=starts_on, ends_on=ends_on, policy=policy)
    cycle.full_clean()
    cycle.save()
    cycle.required_quizzes.set(list(quizzes))
    return cycle


def cycle_start_computing(cycle: AssessmentCycle, *, by=None) -> bool:
    """Queue the cycle's computation in the background once the current transaction
    commits, unless one waits or runs already (a computation whose worker was lost does not
    count: its cycle can be computed again); whether it was queued. Computing again after a
    computation that failed is in the audit log."""
    if cycle_computing(cycle):
        return False
    failure = cycle_last_failure(cycle)
    if failure:
        audit_record(
            action=AuditAction.JOB_RETRIED,
            actor=by,
            target=cycle,
            details={"job": "compute_cycle", "failure": failure[:500]},
        )

    def start() -> None:
        # Shown as started at once, whenever a worker takes the task.
        progress_reporter(cycle)(0)
        result = tasks.compute_cycle.enqueue(cycle.pk)
        AssessmentCycle.objects.filter(pk=cycle.pk).update(compute_task_id=str(result.id))
        cycle.compute_task_id = str(result.id)

    transaction.on_commit(start)
    return True


@transaction.atomic
def cycle_change_policy(cycle: AssessmentCycle, *, policy: ScoringPolicy, by) -> AssessmentCycle:
    """Score a cycle that is not finalised by another policy version (the newer one HR has
    saved since the cycle was made): its next computation uses it. A finalised cycle keeps
    the version it was computed with."""
    if not may_run_cycles(by):
        raise PermissionDenied
    cycle = AssessmentCycle.objects.select_for_update().select_related("policy").get(pk=cycle.pk)
    if cycle.state == CycleState.FINALISED:
        raise ValidationError(
            _("This cycle is finalised: it keeps the policy version it was computed with.")
        )
    if cycle.policy_id == policy.pk:
        return cycle
    before = cycle.policy.version
    cycle.policy = policy
    cycle.save(update_fields=["policy"])
    audit_record(
        action=AuditAction.CYCLE_POLICY_CHANGED,
        actor=by,
        target=cycle,
        details={"from": before, "to": policy.version},
    )
    return cycle


@transaction.atomic
def cycle_finalise(cycle: AssessmentCycle, *, by) -> AssessmentCycle:
    """Lock a computed cycle: its results stay as they are, and each person with a result is
    told (`tasks.announce_results`, once the finalisation commits)."""
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state != CycleState.COMPUTED:
        raise ValidationError(_("Only a computed cycle can be finalised."))
    waiting = Appeal.objects.filter(cycle=cycle, state=AppealState.OPEN).count()
    if waiting:
        raise ValidationError(
            ngettext(
                "%(count)s appeal is waiting for an answer: answer it before finalising.",
                "%(count)s appeals are waiting for an answer: answer them before finalising.",
                waiting,
            )
            % {"count": waiting}
        )
    cycle.state, cycle.finalised_at, cycle.finalised_by = CycleState.FINALISED, timezone.now(), by
    cycle.save(update_fields=["state", "finalised_at", "finalised_by"])
    transaction.on_commit(lambda: cycle_finalised.send(sender=AssessmentCycle, cycle=cycle))
    # Everyone assessed is told, by a worker: thousands of messages do not hold up HR's page.
    transaction.on_commit(lambda: tasks.announce_results.enqueue(cycle.pk), robust=True)
    return cycle


def _part_score(result: AssessmentResult | None, part: str) -> Decimal | None:
    return getattr(result, part) if result is not None else None


def _text(value: str, *, required: str, maximum: int, too_long: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(required)
    if len(value) > maximum:
        raise ValidationError(too_long % {"max": maximum, "length": len(value)})
    return value


@transaction.atomic
def appeal_raise(*, user, cycle: AssessmentCycle, part: str, comment: str) -> Appeal:
    """Question one part of one's own result; ValidationError (translated), nothing written,
    when the cycle is not open to appeals, there is no result, or one is open already."""
    if part not in AppealPart.values:
        raise ValidationError(_("Choose a part of the assessment to question."))
    comment = _text(
        comment,
        required=_("Say what you think is wrong with this part."),
        maximum=COMMENT_MAX,
        too_long=_("Keep it to %(max)s characters (it has %(length)s)."),
    )
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state == CycleState.FINALISED:
        raise ValidationError(
            _("This cycle is finalised: its results can no longer be questioned.")
        )
    if cycle.state != CycleState.COMPUTED:
        raise ValidationError(_("This cycle has no results yet."))
    result = AssessmentResult.objects.filter(cycle=cycle, user=user).first()
    if result is None:
        raise ValidationError(_("You have no result in this cycle."))
    if Appeal.objects.filter(cycle=cycle, user=user, part=part, state=AppealState.OPEN).exists():
        raise ValidationError(_("You have already questioned this part; HR has not answered yet."))
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                cycle=cycle,
                user=user,
                part=part,
                comment=comment,
                score_when_raised=_part_score(result, part),
            )
    except IntegrityError as error:  # the same question sent twice at once
        raise ValidationError(
            _("You have already questioned this part; HR has not answered yet.")
        ) from error
    audit_record(
        action=AuditAction.APPEAL_RAISED,
        actor=user,
        target=appeal,
        subject=user,
        details={"cycle": cycle.pk, "part": part, "score": _number(appeal.score_when_raised)},
    )
    return appeal


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def appeal_answer(*, appeal: Appeal, by, answer: str, recompute: bool = False) -> Appeal:
    """HR's answer; with `recompute`, the cycle is computed again once the answer is saved
    (unless a computation is running already). The part's score at the time of the answer
    is kept with it."""
    if not may_run_cycles(by):
        raise PermissionDenied
    answer = _text(
        answer,
        required=_("Write the answer the person will read."),
        maximum=ANSWER_MAX,
        too_long=_("Keep it to %(max)s characters (it has %(length)s)."),
    )
    appeal = Appeal.objects.select_for_update().select_related("cycle").get(pk=appeal.pk)
    if appeal.state != AppealState.OPEN:
        raise ValidationError(_("This appeal has been answered already."))
    cycle = appeal.cycle
    if recompute and cycle.state == CycleState.FINALISED:
        raise ValidationError(
            _("This cycle is finalised: the appeal can be answered, but not recomputed.")
        )
    result = AssessmentResult.objects.filter(cycle=cycle, user_id=appeal.user_id).first()
    appeal.state = AppealState.ANSWERED
    appeal.answer = answer
    appeal.answered_by = by
    appeal.answered_at = timezone.now()
    appeal.score_after = _part_score(result, appeal.part)
    appeal.recompute = bool(recompute)
    appeal.save(
        update_fields=[
            "state",
            "answer",
            "answered_by",
            "answered_at",
            "score_after",
            "recompute",
        ]
    )
    audit_record(
        action=AuditAction.APPEAL_ANSWERED,
        actor=by,
        target=appeal,
        subject=appeal.user,
        details={
            "cycle": cycle.pk,
            "part": appeal.part,
            "person": appeal.user_id,
            "score": _number(appeal.score_after),
            "recompute": appeal.recompute,
        },
    )
    notify(
        kind=APPEAL_ANSWERED,
        people=[appeal.user],
        key=f"appeal:{appeal.pk}",
        template="assessments/email/appeal_answered",
        context={"appeal": appeal},
        link=reverse("cycles:mine"),
    )
    if recompute:
        cycle_start_computing(cycle)
    return appeal
