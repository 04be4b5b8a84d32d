"""Who may write retraining rules, and whose data a rule may act on.

- HR and administrators write rules for the whole company or any unit, and see every rule;
- a lead trainer writes rules for their own units only, and sees those and the ones they
  wrote;
- a rule acts on the active staff of its unit (and the units below it), or of the whole
  company when it has none: nobody outside is ever given a course by it.

Each rule gives the `Q` filter for lists beside the answer for one object, so the two cannot
drift apart.
"""

from __future__ import annotations

from django.db.models import Q

from lms.models.accounts import StaffStatus
from lms.permissions import staff_scope
from lms.roles import HR_ROLES, Role, has_role


def may_write_rules(user) -> bool:
    """HR, administrators and lead trainers write retraining rules."""
    return has_role(user, *HR_ROLES, Role.LEAD_TRAINER)


class RetrainingRuleRule:
    """Which rules a person sees, and which they may change."""

    def readable(self, user) -> Q:
        if not may_write_rules(user):
            return Q(pk__in=[])
        scope = staff_scope(user)
        if scope.everyone:
            return Q()
        if scope.user_id is None:
            return Q(pk__in=[])
        q = Q(created_by_id=scope.user_id, org_unit__isnull=False)
        for path in scope.unit_paths:
            q |= Q(org_unit__path__startswith=path)
        return q

    def can_change(self, user, rule) -> bool:
        """Whether `user` may change (or stop) `rule`: HR any; a lead trainer one of their
        units' (a rule for the whole company is HR's)."""
        return may_write_rules(user) and self.may_use_unit(user, rule.org_unit)

    def may_use_unit(self, user, unit) -> bool:
        """Whether `user` may write a rule for `unit` (None: the whole company)."""
        if not may_write_rules(user):
            return False
        scope = staff_scope(user)
        if scope.everyone:
            return True
        if unit is None:
            return False
        return any(unit.path.startswith(path) for path in scope.unit_paths)

    def people(self, rule, *, via: str = "") -> Q:
        """The people a rule acts on, as a filter on a model reaching `StaffProfile` by
        `via` (empty: the profile itself)."""
        prefix = f"{via}__" if via else ""
        q = Q(**{f"{prefix}status": StaffStatus.ACTIVE})
        if rule.org_unit_id:
            q &= Q(**{f"{prefix}org_unit__path__startswith": rule.org_unit.path})
        return q


retraining_rule = RetrainingRuleRule()
