"""Sending the outbox to the Learning Record Store: the statements that are due, oldest first,
in batches, each kept until the LRS has it (the task `send_statements`, the command
`send_xapi_statements`).

Nothing is sent while no LRS is configured (`LMS_XAPI_ENDPOINT`). A statement the LRS does
not take (it is down, it refuses the key, it finds the statement wrong) stays in the outbox
with the reason and is tried again after a growing delay (`lrs.retry_delay`): by the next
event's send, the periodic `send_xapi_statements`, or an administrator's "try again now".
Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED, so that two workers never send the
same statement at once; should one be sent twice anyway (a worker stopped after the POST),
the LRS keeps one, since its id is deterministic.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assessments.models.xapi import XapiStatement
from assessments.xapi import lrs

log = logging.getLogger(__name__)


def configured() -> bool:
    """Whether a Learning Record Store is set: without one, nothing is recorded or sent."""
    return bool(getattr(settings, "LMS_XAPI_ENDPOINT", ""))


def _lrs() -> lrs.Lrs:
    return lrs.Lrs(
        endpoint=settings.LMS_XAPI_ENDPOINT,
        key=settings.LMS_XAPI_KEY,
        secret=settings.LMS_XAPI_SECRET,
        timeout=settings.LMS_XAPI_TIMEOUT,
    )


# Sending -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendReport:
    sent: int = 0  # taken by the LRS in this run
    failed: int = 0  # tried in this run and kept for a later try
    waiting: int = 0  # not yet taken by the LRS, after this run


def statements_send(*, now=None, limit: int = 5000) -> SendReport:
    """Send the statements that are due, oldest first, in batches of `LMS_XAPI_BATCH_SIZE`,
    until none is due, `limit` have been tried, or a whole batch failed (the LRS is down:
    the rest waits for the next run)."""
    if not configured():
        return SendReport(waiting=XapiStatement.objects.filter(sent_at__isnull=True).count())
    target = _lrs()
    size = max(1, settings.LMS_XAPI_BATCH_SIZE)
    sent = failed = 0
    while sent + failed < limit:
        at = now or timezone.now()
        with transaction.atomic():
            batch = list(
                XapiStatement.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, next_attempt_at__lte=at)
                .order_by("next_attempt_at", "pk")[: min(size, limit - sent - failed)]
            )
            if not batch:
                break
            errors = _deliver(target, batch)
            for row in batch:
                row.attempts += 1
                if row.pk in errors:
                    row.last_error = errors[row.pk][:2000]
                    row.next_attempt_at = at + lrs.retry_delay(row.attempts)
                else:
                    row.sent_at, row.last_error = at, ""
            XapiStatement.objects.bulk_update(
                batch, ["attempts", "last_error", "next_attempt_at", "sent_at"]
            )
        sent += len(batch) - len(errors)
        failed += len(errors)
        if len(errors) == len(batch):
            log.warning("The LRS took none of %s xAPI statements: %s", len(batch), errors)
            break
    waiting = XapiStatement.objects.filter(sent_at__isnull=True).count()
    return SendReport(sent=sent, failed=failed, waiting=waiting)


def _deliver(target: lrs.Lrs, batch: list[XapiStatement]) -> dict[int, str]:
    """POST `batch`; the reason for each statement the LRS did not take, by row id. A batch
    refused whole for one statement (wrong, or held already and different) is sent again one
    statement at a time, so that the others get through."""
    try:
        answer = lrs.post_statements(target, [row.payload for row in batch])
    except lrs.LrsUnreachable as error:
        return {row.pk: str(error) for row in batch}
    if answer.taken(len(batch)):
        return {}
    if len(batch) > 1 and answer.status in (400, 409, 422):
        errors: dict[int, str] = {}
        for row in batch:
            errors.update(_deliver(target, [row]))
        return errors
    return {row.pk: str(answer) for row in batch}
