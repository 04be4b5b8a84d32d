"""Reads of the scoring policy: the current version and the old ones."""

from __future__ import annotations

from django.db.models import QuerySet

from assessments.models.cycles import ScoringPolicy


def policy_current() -> ScoringPolicy:
    return ScoringPolicy.objects.select_related("created_by__profile").order_by("-version")[0]


def policy_versions() -> QuerySet[ScoringPolicy]:
    return ScoringPolicy.objects.select_related("created_by__profile").order_by("-version")


def policy_newer_than(policy: ScoringPolicy) -> ScoringPolicy | None:
    """The latest policy version if it is newer than `policy` (a cycle's), else None."""
    latest = ScoringPolicy.objects.order_by("-version").first()
    return latest if latest is not None and latest.version > policy.version else None


def policy_of_id(value: str) -> ScoringPolicy | None:
    """The policy version with this id, as a form sends it; None for anything else."""
    return ScoringPolicy.objects.filter(pk=int(value)).first() if value.isdigit() else None
