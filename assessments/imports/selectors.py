"""Reads of HR's imports: the history, one import, the progress of the step running now."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet

from assessments.imports.importing import GIVEN_UP, progress_key
from assessments.models.metrics import ImportBatch, ImportState
from lms.platform import jobs

# The steps done in the background: a batch in one of them is shown with its progress while
# its task waits for a worker or runs.
RUNNING = (ImportState.CHECKING, ImportState.IMPORTING)


def batches() -> QuerySet[ImportBatch]:
    """Every import, newest first, with who uploaded and who imported it."""
    return ImportBatch.objects.select_related("uploaded_by__profile", "imported_by__profile")


def is_running(batch: ImportBatch) -> bool:
    """Checking or importing, its task waiting for a worker or running (one query)."""
    return batch.state in RUNNING and jobs.is_alive(batch.task_id)


def is_waiting(batch: ImportBatch) -> bool:
    """Its task still in the queue: no worker has taken it (one query)."""
    return batch.state in RUNNING and jobs.is_waiting(batch.task_id)


def is_stuck(batch: ImportBatch) -> bool:
    """Checking or importing, but no task waits or runs for it (its worker was lost)."""
    return batch.state in RUNNING and not jobs.is_alive(batch.task_id)


def was_given_up(batch: ImportBatch) -> bool:
    """Failed because its worker was lost, not on an error of its own."""
    return batch.state == ImportState.FAILED and batch.failure.startswith(GIVEN_UP)


def may_retry(batch: ImportBatch) -> bool:
    return batch.state == ImportState.FAILED or is_stuck(batch)


def may_cancel(batch: ImportBatch) -> bool:
    """Checked, rejected or failed; or its step waiting for a worker, or its worker lost."""
    if batch.state in (ImportState.CHECKED, ImportState.REJECTED, ImportState.FAILED):
        return True
    return batch.state in RUNNING and (is_stuck(batch) or is_waiting(batch))


def progress_of(batch: ImportBatch) -> int:
    """Percent of the file read by the step running now (100 when none is): a hint kept in
    the cache, 0 when the cache has none."""
    if not is_running(batch):
        return 100
    return cache.get(progress_key(batch.pk)) or 0


WAITING_SHOWN = 5


def waiting_for_confirmation() -> list[ImportBatch]:
    """The imports checked and ready, waiting for HR to confirm them, oldest first. One
    query."""
    return list(
        ImportBatch.objects.filter(state=ImportState.CHECKED)
        .only("pk", "kind", "file_name", "uploaded_at", "rows_total")
        .order_by("uploaded_at", "pk")[:WAITING_SHOWN]
    )
