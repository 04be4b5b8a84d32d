"""Who may see whose learning and give courses out.

Each rule gives the `Q` filter for lists beside the answer for one object, so the two cannot
drift apart (`lms.permissions` holds the staff scope they build on):

- a person's enrolments and progress: their own; a trainer's units; everyone for HR;
- assignments: trainers, HR and administrators manage them; HR sees every one, a trainer
  those of their units and those they made.
"""

from __future__ import annotations

from django.db.models import Q

from lms.permissions import StaffVisibility, staff_scope
from lms.roles import MANAGERS, has_role

# A person's enrolments, by the staff-visibility rule of the person enrolled.
enrolment_visibility = StaffVisibility(via="user__profile")


def may_manage_learning(user) -> bool:
    """Trainers, HR and administrators assign courses and read the progress reports."""
    return has_role(user, *MANAGERS)


class AssignmentRule:
    """Which assignments a manager sees (and may cancel)."""

    def readable(self, user) -> Q:
        scope = staff_scope(user)
        if scope.everyone:
            return Q()
        if scope.user_id is None:
            return Q(pk__in=[])
        q = Q(created_by_id=scope.user_id)
        for path in scope.unit_paths:
            q |= Q(org_unit__path__startswith=path)
        return q

    def can_read(self, user, assignment) -> bool:
        scope = staff_scope(user)
        if scope.everyone:
            return True
        if scope.user_id is None:
            return False
        if assignment.created_by_id == scope.user_id:
            return True
        unit = assignment.org_unit
        return unit is not None and any(unit.path.startswith(p) for p in scope.unit_paths)


assignment_rule = AssignmentRule()
