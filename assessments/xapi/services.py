"""Writes of the learning records: statements recorded in the outbox with the event that makes
them (in its transaction), their sending queued for the task workers (`sending`) once it
commits, and "try again now".

Nothing is recorded while no Learning Record Store is configured (`LMS_XAPI_ENDPOINT`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from assessments.models.certificates import Certificate
from assessments.models.quizzes import Attempt
from assessments.models.xapi import XapiStatement
from assessments.xapi import events, statements
from assessments.xapi.sending import configured
from courses.models.learning import LessonCompletion
from courses.models.live import DrillEvaluation, SignUp

WRITE_BATCH = 500


# Recording ---------------------------------------------------------------------------------


def statements_record(made: Iterable[statements.Event], *, now=None) -> int:
    """Put the statements of `made` in the outbox, in the caller's transaction (one already
    there, the same event again, stays as it is), and queue their sending once it commits.
    Returns how many statements were given."""
    if not configured():
        return 0
    now = now or timezone.now()
    site = events.site()
    rows = []
    for event in made:
        payload = statements.statement(site, event)
        rows.append(
            XapiStatement(
                statement_id=payload["id"],
                kind=event.KIND,
                person=event.person,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
            )
        )
    if rows:
        XapiStatement.objects.bulk_create(rows, ignore_conflicts=True, batch_size=WRITE_BATCH)
        transaction.on_commit(send_soon, robust=True)
    return len(rows)


def lesson_completion_record(*, completion: LessonCompletion) -> int:
    if not configured():
        return 0
    return statements_record([events.lesson_completed(completion)])


def attempts_graded_record(*, attempts: Sequence[Attempt]) -> int:
    if not configured():
        return 0
    return statements_record(events.attempts_graded(attempts))


def attendance_record(*, signup: SignUp) -> int:
    if not configured():
        return 0
    return statements_record([events.session_attended(signup)])


def drill_score_record(*, evaluation: DrillEvaluation) -> int:
    if not configured():
        return 0
    return statements_record([events.drill_scored(evaluation)])


def certificates_issued_record(*, certificates: Sequence[Certificate]) -> int:
    if not configured():
        return 0
    return statements_record(events.certificates_earned(certificates))


def certificate_revoked_record(*, certificate: Certificate) -> int:
    """A certificate revoked: its earning taken back. Not sent yet, the statement is dropped
    from the outbox (the LRS never hears of it); sent, a statement voiding it is queued."""
    if not configured():
        return 0
    revoked = events.certificate_revoked(certificate)
    earned = XapiStatement.objects.filter(statement_id=revoked.voids(events.site()))
    if earned.filter(sent_at__isnull=True).delete()[0]:
        return 0
    if not earned.exists():
        return 0  # recorded before an LRS was configured: nothing to take back
    return statements_record([revoked])


def send_soon() -> None:
    """Queue a sending run for a task worker (or run it now, with the immediate backend)."""
    from assessments.xapi.tasks import send_statements

    send_statements.enqueue()


@transaction.atomic
def statements_retry_now(*, now=None, queue: bool = True) -> int:
    """Make every statement not yet taken due now (the LRS is back), and queue a sending run
    (unless `queue` is false: the caller sends). Returns how many are waiting."""
    now = now or timezone.now()
    waiting = XapiStatement.objects.filter(sent_at__isnull=True).update(next_attempt_at=now)
    if waiting and queue and configured():
        transaction.on_commit(send_soon, robust=True)
    return waiting
