"""Telling the people assessed that their result is final (lms.notifications: the inbox at once,
e-mail and the group robots by the workers).

Sent by a task once the finalisation commits (`tasks.announce_results`): a cycle may have
thousands of people, and HR's request does not wait for their messages.

What a message says: the cycle, that the five parts are final and no longer open to
questions, and the link to the person's own result page. No score and no grade: the same text
goes to the group robots, which post into a company-wide group chat.
"""

from __future__ import annotations

from django.urls import reverse

from assessments.models.cycles import AssessmentCycle, AssessmentResult, CycleState
from assessments.notifications import RESULTS_PUBLISHED
from lms.notifications.services import Recipient, notify_each


def results_key(cycle: AssessmentCycle) -> str:
    """The event: this cycle finalised at this moment (a cycle finalised again after being
    opened again, should that ever be possible, is a new event)."""
    return f"results:{cycle.pk}:{cycle.finalised_at.isoformat()}"


def results_announce(cycle_id: int) -> int:
    """Tell every person still with the company who has a result in the finalised cycle, once;
    how many were told now (0 when the cycle is not finalised, or all were told already)."""
    cycle = AssessmentCycle.objects.filter(pk=cycle_id, state=CycleState.FINALISED).first()
    if cycle is None or cycle.finalised_at is None:
        return 0
    link = reverse("cycles:mine_cycle", args=[cycle.pk])
    results = (
        AssessmentResult.objects.filter(cycle=cycle, user__is_active=True)
        .select_related("user__profile")
        .only("id", "user")
        .order_by("user_id")
    )
    created = notify_each(
        kind=RESULTS_PUBLISHED,
        key=results_key(cycle),
        recipients=(
            Recipient(result.user, link, {"cycle": cycle})
            for result in results.iterator(chunk_size=2000)
        ),
        template="assessments/email/results_published",
    )
    return len(created)
