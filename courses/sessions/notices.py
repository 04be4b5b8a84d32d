"""E-mails about one's place in a session: the waiting list moved up, the session cancelled.

Sent after the transaction that made the change commits, in each person's language; a
failure to send is logged and changes nothing (the place shows on the person's pages).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

log = logging.getLogger(__name__)


KINDS = ("promoted", "cancelled")


def notify_after_commit(kind: str, session, users) -> None:
    users = [user for user in users if user.email]
    if users:
        transaction.on_commit(lambda: _send(kind, session, users))


def _send(kind: str, session, users) -> None:
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "sessions:session_detail", args=[session.pk]
    )
    for user in users:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {"user": user, "session": session, "url": url}
            subject = render_to_string(f"courses/email/session_{kind}_subject.txt", context)
            body = render_to_string(f"courses/email/session_{kind}_body.txt", context)
        try:
            send_mail(subject.strip(), body, None, [user.email])
        except Exception:  # the place still shows on the person's pages
            log.exception("Could not e-mail %s about session %s", user.username, session.pk)
