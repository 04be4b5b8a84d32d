"""Reads of the learning records' outbox, for the administrators' page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from assessments.models.xapi import XapiStatement


@dataclass(frozen=True)
class OutboxCounts:
    sent: int
    waiting: int  # not yet taken by the LRS
    failing: int  # of those, tried and refused or unanswered at least once


def outbox_counts() -> OutboxCounts:
    """The outbox in three numbers, in one query."""
    counts = XapiStatement.objects.aggregate(
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        waiting=Count("pk", filter=Q(sent_at__isnull=True)),
        failing=Count("pk", filter=Q(sent_at__isnull=True, attempts__gt=0)),
    )
    return OutboxCounts(**counts)


def unsent_statements() -> QuerySet[XapiStatement]:
    """The statements the LRS has not taken yet, the ones that failed longest first."""
    return (
        XapiStatement.objects.filter(sent_at__isnull=True)
        .defer("payload")
        .order_by("-attempts", "created_at", "pk")
    )
