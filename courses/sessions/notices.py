"""Notifications about one's place in a session: the waiting list moved up, the session
cancelled (lms.notifications: the inbox at once, e-mail and the group robots by the workers).

Stored in the transaction that made the change, in each person's language; a failure of a
channel is retried and changes nothing (the place shows on the person's pages).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from courses.notifications import SESSION_CANCELLED, SESSION_PROMOTED
from lms.notifications.services import notify

KINDS = {"promoted": SESSION_PROMOTED, "cancelled": SESSION_CANCELLED}


def notify_after_commit(kind: str, session, users) -> None:
    """Tell `users` (kind "promoted" or "cancelled"); sent once the transaction commits."""
    # A session is cancelled once; a person may be moved up again after leaving and rejoining,
    # so each move is its own event.
    key = f"session:{session.pk}"
    if kind == "promoted":
        key += f":{timezone.now().isoformat()}"
    notify(
        kind=KINDS[kind],
        people=list(users),
        key=key,
        template=f"courses/email/session_{kind}",
        context={"session": session},
        link=reverse("sessions:session_detail", args=[session.pk]),
    )
