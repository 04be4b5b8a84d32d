"""HR's imports as use cases: upload a file (its check queued), confirm a checked file (its
writing queued), cancel one, check again one whose step failed or whose worker was lost. The
checking and the writing themselves are `importing`'s, run by the background tasks."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.imports import importing, selectors, tasks
from assessments.imports.rows import rows_csv
from assessments.models.metrics import ImportBatch, ImportSource, ImportState
from lms.audit import audit_record
from lms.models.audit import AuditAction
from lms.platform import jobs
from lms.platform.uploads import check_upload


def _queue(batch: ImportBatch, task, *args) -> None:
    """Queue the batch's next step once the transaction commits, and keep its task's id."""

    def start() -> None:
        result = task.enqueue(batch.pk, *args)
        ImportBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id))

    transaction.on_commit(start)


@transaction.atomic
def import_upload(*, kind: str, name: str, stream, by, full_roster: bool = False) -> ImportBatch:
    """Keep an uploaded file as a new import and check it in the background once the
    transaction commits; ValidationError, and nothing kept, for a file larger than an
    import may be (`lms.platform.uploads`)."""
    check_upload(stream, "import")
    batch = importing.batch_create(
        kind=kind, name=name, stream=stream, by=by, full_roster=full_roster
    )
    _queue(batch, tasks.check_import)
    return batch


def import_confirm(*, batch: ImportBatch, by) -> None:
    """Write a checked file in the background: only a file checked without errors is written;
    ValidationError otherwise."""
    if batch.state != ImportState.CHECKED:
        raise ValidationError(_("Only a checked file without errors can be imported."))
    _queue(batch, tasks.apply_import, by.pk if by is not None else None)


def _stop_task(batch: ImportBatch, why: str) -> bool:
    """For a batch checking or importing: take its task off the queue, or mark failed the
    task whose worker is gone; False while a worker runs it under a live lease."""
    if batch.state not in selectors.RUNNING:
        return True
    jobs.abandon(batch.task_id, why)
    return not jobs.is_alive(batch.task_id)


@transaction.atomic
def import_cancel(*, batch: ImportBatch, by=None) -> bool:
    """Drop a file without writing it: checked, rejected, failed, or whose step waits for a
    worker or lost it. Whether it was dropped (not while a worker is writing it)."""
    before = batch.state
    if not _stop_task(batch, "the import was cancelled"):
        return False
    if not importing.batch_cancel(batch, states=importing.CANCELLABLE):
        return False
    if before not in (ImportState.CHECKED, ImportState.REJECTED):
        audit_record(
            action=AuditAction.JOB_CANCELLED,
            actor=by,
            target=batch,
            details={"kind": batch.kind, "file": batch.file_name, "state": before},
        )
    return True


@transaction.atomic
def import_retry(*, batch: ImportBatch, by) -> None:
    """Check a file again whose step failed, or whose worker was lost (nothing was written:
    the writing is one transaction); once checked, HR confirms it again. ValidationError for
    a batch in another state, or still in a worker's hands."""
    if not selectors.may_retry(batch):
        raise ValidationError(_("This import is not stopped: it cannot be started again."))
    before = batch.state
    jobs.abandon(batch.task_id, "the import was started again")
    if not importing.batch_recheck(batch):
        raise ValidationError(_("This import is not stopped: it cannot be started again."))
    audit_record(
        action=AuditAction.JOB_RETRIED,
        actor=by,
        target=batch,
        details={"kind": batch.kind, "file": batch.file_name, "state": before},
    )
    _queue(batch, tasks.check_import)


@dataclass(frozen=True)
class RowsImport:
    """What importing rows did: the batch (imported, or rejected with its problems) and the
    line of the batch's file each row starts on."""

    batch: ImportBatch
    lines: list[int]


def import_rows(*, kind: str, rows, by, full_roster: bool = False) -> RowsImport:
    """Import rows given as data (the API's), now: kept as a CSV file in a new import from
    the API, checked whole, then written, all or nothing, exactly as a file HR uploads is.
    `by` is the person the rows act for (their rights on privileged accounts count)."""
    data, lines = rows_csv(rows)
    name = f"api-{kind}-{timezone.localtime():%Y%m%d-%H%M%S}.csv"
    batch = importing.batch_create(
        kind=kind,
        name=name,
        stream=io.BytesIO(data),
        by=by,
        full_roster=full_roster,
        source=ImportSource.API,
    )
    batch = importing.batch_check(batch)
    if batch.state == ImportState.CHECKED:
        batch = importing.batch_apply(batch, by=by)
    return RowsImport(batch=batch, lines=lines)
