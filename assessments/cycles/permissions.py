"""Who may read which cycle and whose results."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404

from assessments.models.cycles import AssessmentCycle, AssessmentResult, CycleState
from lms.permissions import StaffVisibility, person_visibility
from lms.roles import HR_ROLES, TRAINERS, is_hr, roles_of

# Who may read -------------------------------------------------------------------------------


def can_read_cycles(user) -> bool:
    """HR, administrators and trainers read cycles; learners do not."""
    return bool(roles_of(user) & (HR_ROLES | TRAINERS))


def cycles_visible_to(user) -> QuerySet[AssessmentCycle]:
    """The cycles `user` may open, with the number of results they may see in each."""
    if is_hr(user):
        cycles = AssessmentCycle.objects.annotate(result_count=Count("results"))
    elif can_read_cycles(user):
        visible = StaffVisibility(via="results__user__profile").q(user)
        cycles = AssessmentCycle.objects.filter(state__in=READABLE_STATES).annotate(
            result_count=Count("results", filter=visible, distinct=True)
        )
    else:
        return AssessmentCycle.objects.none()
    return cycles.select_related("policy").order_by("-starts_on", "-created_at")


def readable_cycle(user, cycle_id: int) -> AssessmentCycle:
    """The cycle, if `user` may read it: PermissionDenied for learners, Http404 for a trainer
    asking for a draft (or for a cycle that does not exist)."""
    if not can_read_cycles(user):
        raise PermissionDenied
    cycles = AssessmentCycle.objects.select_related("policy", "finalised_by__profile")
    if not is_hr(user):
        cycles = cycles.filter(state__in=READABLE_STATES)
    cycle = cycles.filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404
    return cycle


def dashboard_results(user) -> QuerySet[AssessmentResult]:
    """The results of the staff `user` follows now (everyone for HR); none for learners,
    who read only their own, on their own page."""
    if not can_read_cycles(user):
        return AssessmentResult.objects.none()
    return results_visible_to(user)


VISIBLE_STATES = (CycleState.COMPUTED, CycleState.FINALISED)  # the cycles staff may see
READABLE_STATES = VISIBLE_STATES  # computed or finalised


def results_visible_to(user) -> QuerySet[AssessmentResult]:
    """The results of the staff `user` may see (lms.permissions: everyone for HR, a
    trainer's units, one's own)."""
    return AssessmentResult.objects.filter(person_visibility.q(user))
