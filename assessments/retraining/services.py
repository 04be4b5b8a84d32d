"""Writes of the loop back to training: writing and stopping a rule, and running the rules
when the data that feeds them arrives (a complaints import applied, a cycle finalised).

Each cause is answered once per rule: a `RetrainingCause` row, unique by (rule, cause), is
claimed before the course is given, so a re-import, a second run or two workers at once give
nothing twice. Every course given is recorded in the audit log (by `assignment_for_cause`).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments.models.cycles import AssessmentCycle, AssessmentResult, CycleState
from assessments.models.metrics import Complaint, ComplaintCategory
from assessments.models.retraining import (
    RetrainingCause,
    RetrainingPart,
    RetrainingRule,
    RetrainingTrigger,
)
from assessments.retraining.permissions import retraining_rule
from assessments.scoring.arithmetic import policy_from_json
from assessments.scoring.labels import plain
from courses.learning.services import assignment_for_cause
from courses.models.live import DrillPage
from courses.models.pages import CoursePage, LessonPage
from lms.models.accounts import StaffProfile, User
from lms.models.org import OrgUnit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleInput:
    name: str
    trigger: str
    course: CoursePage
    due_days: int
    applies_from: datetime.date
    complaint_category: str = ""
    part: str = ""
    floor: Decimal | None = None
    focus_page: object | None = None
    org_unit: OrgUnit | None = None
    active: bool = True


def _checked(data: RuleInput, by: User) -> dict:
    """The rule's fields, or ValidationError (by field) and nothing written."""
    errors: dict[str, list[str]] = {}
    if not retraining_rule.may_use_unit(by, data.org_unit):
        errors["org_unit"] = [_("Choose one of your own org units for the rule.")]
    if not data.name.strip():
        errors["name"] = [_("Give the rule a name.")]
    if data.trigger not in RetrainingTrigger.values:
        errors["trigger"] = [_("Choose what the rule answers.")]
    if data.trigger == RetrainingTrigger.LOW_PART and data.part not in RetrainingPart.values:
        errors["part"] = [_("Choose the part whose score the rule watches.")]
    if data.complaint_category and data.complaint_category not in ComplaintCategory.values:
        errors["complaint_category"] = [_("Choose a category of the manual (4.2.1).")]
    if data.floor is not None and not Decimal(0) <= data.floor <= Decimal(100):
        errors["floor"] = [_("A floor is between 0 and 100.")]
    if not 1 <= data.due_days <= 365:
        errors["due_days"] = [_("Give between 1 and 365 days.")]
    if data.course is None or not CoursePage.objects.live().filter(pk=data.course.pk).exists():
        errors["course"] = [_("Choose a published course.")]
    elif data.focus_page is not None:
        page = data.focus_page
        in_course = LessonPage.objects.live().child_of(data.course).filter(pk=page.pk).exists()
        drill = DrillPage.objects.live().filter(pk=page.pk).exists()
        if not (in_course or drill):
            errors["focus_page"] = [_("Choose a lesson of the course, or a drill.")]
    if errors:
        raise ValidationError(errors)
    complaint = data.trigger == RetrainingTrigger.COMPLAINT
    return {
        "name": data.name.strip()[:100],
        "trigger": data.trigger,
        "complaint_category": data.complaint_category if complaint else "",
        "part": "" if complaint else data.part,
        "floor": None if complaint else data.floor,
        "course": data.course,
        "focus_page": data.focus_page,
        "due_days": data.due_days,
        "applies_from": data.applies_from,
        "org_unit": data.org_unit,
        "active": data.active,
    }


@transaction.atomic
def rule_create(*, data: RuleInput, by: User) -> RetrainingRule:
    """Write a rule, and answer at once what it finds already there (complaints and
    finalised cycles since the day it applies from)."""
    rule = RetrainingRule.objects.create(**_checked(data, by), created_by=by)
    if rule.active:
        rule_run(rule=rule)
    return rule


@transaction.atomic
def rule_update(*, rule: RetrainingRule, data: RuleInput, by: User) -> RetrainingRule:
    """Change a rule (PermissionDenied for one that is not `by`'s to change). What it gave
    before stays given; from now on it answers as it reads now."""
    if not retraining_rule.can_change(by, rule):
        raise PermissionDenied
    for field, value in _checked(data, by).items():
        setattr(rule, field, value)
    rule.save()
    if rule.active:
        rule_run(rule=rule)
    return rule


def rule_deactivate(*, rule: RetrainingRule, by: User) -> bool:
    """Stop a rule: it gives nothing more (what it gave stays). Whether it was active."""
    if not retraining_rule.can_change(by, rule):
        raise PermissionDenied
    return bool(RetrainingRule.objects.filter(pk=rule.pk, active=True).update(active=False))


# Running the rules ----------------------------------------------------------------------------


def _in_default_language(text_of):
    with translation.override(settings.LANGUAGE_CODE):
        return text_of()


def _give(rule: RetrainingRule, *, cause_key: str, user_id: int, reason) -> bool:
    """Answer one cause of one rule, once: claim it, then give the course. False when it was
    answered already."""
    try:
        with transaction.atomic():
            cause = RetrainingCause.objects.create(rule=rule, cause_key=cause_key, user_id=user_id)
            text = _in_default_language(reason)
            user = User.objects.get(pk=user_id)
            cause.assignment = assignment_for_cause(
                course=rule.course,
                user=user,
                due_on=timezone.localdate() + datetime.timedelta(days=rule.due_days),
                reason=text,
                cause_key=cause_key,
                focus_page=rule.focus_page,
                actor_label=f"retraining rule {rule.pk}",
                details={"rule": rule.pk, "rule_name": rule.name},
            )
            cause.save(update_fields=["assignment"])
    except IntegrityError:
        return False  # answered already (by this run's twin, or before)
    return True


def _answered(rule: RetrainingRule) -> set[str]:
    return set(RetrainingCause.objects.filter(rule=rule).values_list("cause_key", flat=True))


def _complaint_rules() -> list[RetrainingRule]:
    return list(
        RetrainingRule.objects.filter(active=True, trigger=RetrainingTrigger.COMPLAINT)
        .select_related("course", "org_unit", "focus_page")
        .order_by("pk")
    )


def _run_complaints(rule: RetrainingRule) -> int:
    complaints = Complaint.objects.filter(
        company_at_fault=True,
        received_at__date__gte=rule.applies_from,
        user__profile__in=StaffProfile.objects.filter(retraining_rule.people(rule)),
    )
    if rule.complaint_category:
        complaints = complaints.filter(category=rule.complaint_category)
    answered = _answered(rule)
    given = 0
    for complaint in complaints.order_by("received_at", "pk"):
        key = f"complaint:{complaint.reference}"
        if key in answered:
            continue

        def reason(complaint=complaint):
            return _(
                "At-fault complaint %(reference)s (%(category)s, received %(date)s); "
                "rule “%(rule)s”."
            ) % {
                "reference": complaint.reference,
                "category": complaint.get_category_display(),
                "date": timezone.localtime(complaint.received_at).date().isoformat(),
                "rule": rule.name,
            }

        given += _give(rule, cause_key=key, user_id=complaint.user_id, reason=reason)
    return given


def _floor(rule: RetrainingRule, cycle: AssessmentCycle) -> Decimal:
    if rule.floor is not None:
        return rule.floor
    policy = policy_from_json(cycle.policy.data)
    if rule.part == RetrainingPart.OVERALL:
        return policy.pass_mark
    return policy.floors.get(rule.part, Decimal(0))


def _run_cycle(rule: RetrainingRule, cycle: AssessmentCycle) -> int:
    if cycle.state != CycleState.FINALISED or cycle.ends_on < rule.applies_from:
        return 0
    floor = _floor(rule, cycle)
    results = (
        AssessmentResult.objects.filter(cycle=cycle, **{f"{rule.part}__lt": floor})
        .filter(retraining_rule.people(rule, via="user__profile"))
        .values_list("user_id", rule.part)
        .order_by("user_id")
    )
    answered = _answered(rule)
    given = 0
    for user_id, score in results:
        key = f"cycle:{cycle.pk}:{user_id}"
        if key in answered:
            continue

        def reason(score=score):
            return _(
                "%(part)s %(score)s, below %(floor)s, in the cycle “%(cycle)s”; rule “%(rule)s”."
            ) % {
                "part": RetrainingPart(rule.part).label,
                "score": plain(score),
                "floor": plain(floor),
                "cycle": cycle.name,
                "rule": rule.name,
            }

        given += _give(rule, cause_key=key, user_id=user_id, reason=reason)
    return given


def _finalised_cycles():
    return AssessmentCycle.objects.filter(state=CycleState.FINALISED).select_related("policy")


def rule_run(*, rule: RetrainingRule) -> int:
    """Answer every cause of one active rule found in the data now; how many courses given."""
    if not rule.active or not rule.course.live:
        return 0
    if rule.trigger == RetrainingTrigger.COMPLAINT:
        return _run_complaints(rule)
    cycles = _finalised_cycles().filter(ends_on__gte=rule.applies_from)
    return sum(_run_cycle(rule, cycle) for cycle in cycles)


def retraining_after_complaints() -> int:
    """Run the complaint rules: called once a complaints import is written."""
    return sum(_run_complaints(rule) for rule in _complaint_rules() if rule.course.live)


def retraining_after_finalise(*, cycle: AssessmentCycle) -> int:
    """Run the part rules on a cycle just finalised."""
    cycle = _finalised_cycles().get(pk=cycle.pk)
    rules = RetrainingRule.objects.filter(active=True, trigger=RetrainingTrigger.LOW_PART)
    return sum(
        _run_cycle(rule, cycle)
        for rule in rules.select_related("course", "org_unit", "focus_page").order_by("pk")
        if rule.course.live  # a course taken down gives nothing until it is published again
    )
