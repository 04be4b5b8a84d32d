"""Reads of the loop back to training: the rules a person sees, with what each has given."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from assessments.models.retraining import RetrainingRule
from assessments.retraining.permissions import retraining_rule


def rules_visible_to(user) -> QuerySet[RetrainingRule]:
    """The rules `user` may read, each with the number of causes it has answered (one
    query, whatever their number)."""
    return (
        RetrainingRule.objects.filter(retraining_rule.readable(user))
        .select_related("course", "org_unit", "focus_page", "created_by__profile")
        .annotate(given=Count("causes"))
        .order_by("-active", "name", "pk")
    )
