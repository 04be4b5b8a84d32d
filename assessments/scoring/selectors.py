"""Reads of the scoring policy: the current version and the old ones."""

from __future__ import annotations

from django.db.models import QuerySet

from assessments.models.cycles import ScoringPolicy


def policy_current() -> ScoringPolicy:
    return ScoringPolicy.objects.select_related("created_by__profile").order_by("-version")[0]


def policy_versions() -> QuerySet[ScoringPolicy]:
    return ScoringPolicy.objects.select_related("created_by__profile").order_by("-version")
