"""Reads of the loop back to training: the rules a person sees, with what each has given."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from assessments.models.retraining import RetrainingCause, RetrainingRule
from assessments.retraining.permissions import retraining_rule
from lms.permissions import person_visibility

GIVEN_SHOWN = 100


def rules_visible_to(user) -> QuerySet[RetrainingRule]:
    """The rules `user` may read, each with the number of causes it has answered (one
    query, whatever their number)."""
    return (
        RetrainingRule.objects.filter(retraining_rule.readable(user))
        .select_related("course", "org_unit", "focus_page", "created_by__profile")
        .annotate(given=Count("causes"))
        .order_by("-active", "name", "pk")
    )


def causes_of(rule: RetrainingRule, user) -> list[RetrainingCause]:
    """The latest causes a rule has answered, among the people `user` may see, each with its
    person and the assignment it made (one query)."""
    return list(
        RetrainingCause.objects.filter(person_visibility.q(user), rule=rule)
        .select_related("user__profile__org_unit", "assignment")
        .order_by("-created_at", "-pk")[:GIVEN_SHOWN]
    )
