"""Appeals (issue 7): a person questions a part of their result, HR answers.

- `appeal_raise`: only in a computed cycle that is not finalised, where the person has a
  result; one open appeal per person and part.
- `appeal_answer`: HR records the answer and, if asked, recomputes the cycle after the
  answer is saved (not for a finalised cycle, whose results never change).
- `open_appeal_count`: the appeals still waiting, which keep a cycle from being finalised.

Both writes go to the audit log.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.cycles import cycle_start_computing
from assessments.models import (
    Appeal,
    AppealPart,
    AppealState,
    AssessmentCycle,
    AssessmentResult,
    CycleState,
)
from assessments.models.appeals import ANSWER_MAX, COMMENT_MAX
from lms.audit import audit_record
from lms.models.audit import AuditAction
from lms.roles import is_hr


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
    if not is_hr(by):
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
        details={
            "cycle": cycle.pk,
            "part": appeal.part,
            "person": appeal.user_id,
            "score": _number(appeal.score_after),
            "recompute": appeal.recompute,
        },
    )
    if recompute:
        cycle_start_computing(cycle)
    return appeal


def open_appeal_count(cycle: AssessmentCycle) -> int:
    """The appeals of a cycle still waiting for HR's answer."""
    return Appeal.objects.filter(cycle=cycle, state=AppealState.OPEN).count()


# Reads -------------------------------------------------------------------------------------


def appeals_of(user, cycle: AssessmentCycle) -> QuerySet[Appeal]:
    """A person's appeals in one cycle, oldest first, with who answered."""
    return (
        Appeal.objects.filter(user=user, cycle=cycle)
        .select_related("answered_by__profile")
        .order_by("created_at", "pk")
    )


def appeals_for_hr(*, cycle_id: int | None = None, state: str | None = None) -> QuerySet[Appeal]:
    """Every appeal, the open ones first and the oldest of them first."""
    appeals = Appeal.objects.select_related("cycle", "user__profile__org_unit").annotate(
        waiting=Case(
            When(state=AppealState.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    if cycle_id is not None:
        appeals = appeals.filter(cycle_id=cycle_id)
    if state:
        appeals = appeals.filter(state=state)
    return appeals.order_by("waiting", "created_at", "pk")
