"""Notifications: a cycle's results told to 5,000 people, and their e-mails sent by a worker.

- Told: `cycles.notices.results_announce` for a finalised cycle of 5,000 people (of the data
  set), as the task queued after HR finalises it runs: who is still with the company, what
  each person chose, one inbox message each (rendered in their language), a delivery per
  channel they keep (e-mail for those with an address), the unread counts in the cache. The
  queries are counted too: they must not grow with the people (a few per 500).
- Sent: `delivery.deliver_due` for those messages, as one worker's `deliver_notifications`
  tasks run them: each delivery claimed, its e-mail built and handed to the backend, the
  outcome recorded. The e-mail backend is Django's in-memory one: the figure is the site's own
  cost a message, not the mail server's.
The quiet hours are off for the run; the tasks that would send the e-mails are not queued
while the messages are written (they are then run by hand, timed on their own).
BENCH_NOTIFY sets another number of people.
"""

from __future__ import annotations

import os
import time

from tests.benchmarks.harness import Context, Row

TITLE = "Notifications: a cycle's results told to 5,000 people, their e-mails sent"
COUNT = int(os.environ.get("BENCH_NOTIFY", "5000"))
TOLD_TARGET_S = 5
QUERIES_TARGET = 100
SENT_TARGET_MS = 10  # a message, one worker


def run(ctx: Context) -> list[Row]:
    from django.db import connection, transaction
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse
    from django.utils import timezone

    from assessments.cycles.notices import results_announce
    from assessments.models import AssessmentCycle, AssessmentResult
    from lms.models import Delivery, Notification
    from lms.notifications.delivery import deliver_due
    from tests.benchmarks.bench_certificates import finalised_cycle

    ctx.dataset  # noqa: B018 - the staff who are told
    log = ctx.log
    log(f"Notifications: a finalised cycle of {COUNT:,} people...")
    cycle, _ = finalised_cycle(COUNT - 1)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(finalised_at=timezone.now())

    quiet = override_settings(
        LMS_NOTIFY_QUIET_HOURS="",
        LMS_NOTIFY_CHANNELS=["inbox", "email"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    with quiet:
        # A worker is warm: its URL conf loaded, the message's templates compiled.
        reverse("cycles:mine_cycle", args=[cycle.pk])
        for part in ("subject", "body"):
            render_to_string(f"assessments/email/results_published_{part}.txt", {"cycle": cycle})
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            told = results_announce(cycle.pk)
            connection.run_on_commit = []  # the sending tasks: run below, timed on their own
        told_seconds = time.perf_counter() - start
        ids = list(
            Notification.objects.filter(kind="results.published").values_list("pk", flat=True)
        )
        deliveries = Delivery.objects.filter(notification_id__in=ids).count()
        log(
            f"  told {told:,} in {told_seconds:.2f} s ({len(queries)} queries); "
            f"sending {deliveries:,} e-mails..."
        )
        start = time.perf_counter()
        sent = sum(deliver_due(notification_ids=ids[i : i + 500]) for i in range(0, len(ids), 500))
        sent_seconds = time.perf_counter() - start
    expected = AssessmentResult.objects.filter(cycle=cycle, user__is_active=True).count()
    assert told == expected, (told, expected)  # everyone still with the company
    assert sent == deliveries, (sent, deliveries)
    per_message_ms = sent_seconds / max(sent, 1) * 1000
    log(f"  sent {sent:,} in {sent_seconds:.1f} s ({per_message_ms:.1f} ms each)")

    ctx.facts["notifications"] = (
        f"results.published to the {told:,} people still with the company of a finalised cycle "
        f"of {COUNT:,} (inbox for all, e-mail for "
        f"the {deliveries:,} with an address); e-mail by Django's in-memory backend"
    )
    return [
        Row(
            f"results told: {told:,} people (inbox + e-mail queued)",
            told_seconds,
            "s",
            f"< {TOLD_TARGET_S} s, < {QUERIES_TARGET} queries",
            told_seconds < TOLD_TARGET_S and len(queries) < QUERIES_TARGET,
            f"{len(queries)} queries in all (a few per 500 people); "
            f"{told_seconds / told * 1000:.2f} ms a person",
        ),
        Row(
            f"e-mails sent by one worker: {sent:,}",
            per_message_ms,
            "ms a message",
            f"< {SENT_TARGET_MS} ms",
            per_message_ms < SENT_TARGET_MS,
            f"{sent_seconds:.1f} s in all; each claimed, built, handed to the backend and "
            f"recorded",
        ),
    ]
