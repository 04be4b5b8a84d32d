"""Who may read which cycle and whose results, and who runs cycles and answers appeals.

Each rule gives the `Q` filter for lists beside the answer for one object, so the two cannot
drift apart:

- cycles: HR and administrators every cycle, drafts included; trainers the computed and
  finalised ones; nobody else (a learner reads their own result on their own page);
- results: a person's own; a trainer's units; everyone for HR (`lms.permissions`), in the
  cycles staff may see (computed or finalised); on the dashboards, only for cycle readers;
- running cycles (opening, computing, finalising, the policy) and answering appeals: HR.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from assessments.models.cycles import AssessmentCycle, AssessmentResult, CycleState
from lms.permissions import StaffVisibility, person_visibility
from lms.roles import HR_ROLES, TRAINERS, is_hr, roles_of

VISIBLE_STATES = (CycleState.COMPUTED, CycleState.FINALISED)  # the cycles staff may see
READABLE_STATES = VISIBLE_STATES  # the cycles trainers may open


def can_read_cycles(user) -> bool:
    """HR, administrators and trainers read cycles; learners do not."""
    return bool(roles_of(user) & (HR_ROLES | TRAINERS))


def may_run_cycles(user) -> bool:
    """HR and administrators open, compute and finalise cycles, and answer appeals."""
    return is_hr(user)


class CycleRule:
    def readable(self, user) -> Q:
        if is_hr(user):
            return Q()
        if can_read_cycles(user):
            return Q(state__in=READABLE_STATES)
        return Q(pk__in=[])

    def can_read(self, user, cycle: AssessmentCycle) -> bool:
        return is_hr(user) or (can_read_cycles(user) and cycle.state in READABLE_STATES)


cycle_rule = CycleRule()


class ResultRule:
    """A person's result: the staff-visibility rule of the person it is about."""

    def readable(self, user) -> Q:
        return person_visibility.q(user)

    def can_read(self, user, result: AssessmentResult) -> bool:
        return person_visibility.allows(user, result.user.profile)


result_rule = ResultRule()


def cycles_visible_to(user) -> QuerySet[AssessmentCycle]:
    """The cycles `user` may open, with the number of results they may see in each."""
    cycles = AssessmentCycle.objects.filter(cycle_rule.readable(user))
    if is_hr(user):
        cycles = cycles.annotate(result_count=Count("results"))
    else:
        visible = StaffVisibility(via="results__user__profile").q(user)
        cycles = cycles.annotate(result_count=Count("results", filter=visible, distinct=True))
    return cycles.select_related("policy").order_by("-starts_on", "-created_at")


def readable_cycle(user, cycle_id: int) -> AssessmentCycle:
    """The cycle, if `user` may read it: PermissionDenied for learners, Http404 for a trainer
    asking for a draft (or for a cycle that does not exist)."""
    if not can_read_cycles(user):
        raise PermissionDenied
    cycles = AssessmentCycle.objects.select_related("policy", "finalised_by__profile")
    cycle = cycles.filter(cycle_rule.readable(user), pk=cycle_id).first()
    if cycle is None:
        raise Http404
    return cycle


def results_visible_to(user) -> QuerySet[AssessmentResult]:
    """The results of the staff `user` may see (everyone for HR, a trainer's units, one's own)."""
    return AssessmentResult.objects.filter(result_rule.readable(user))


def dashboard_results(user) -> QuerySet[AssessmentResult]:
    """The results of the staff `user` follows now (everyone for HR); none for learners,
    who read only their own, on their own page."""
    if not can_read_cycles(user):
        return AssessmentResult.objects.none()
    return results_visible_to(user)
