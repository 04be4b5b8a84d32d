"""Reads of HR's imports: the history, one import, the progress of the step running now."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet

from assessments.imports.importing import progress_key
from assessments.models.metrics import ImportBatch, ImportState

# The steps done in the background: a batch in one of them is shown with its progress.
RUNNING = (ImportState.CHECKING, ImportState.IMPORTING)


def batches() -> QuerySet[ImportBatch]:
    """Every import, newest first, with who uploaded and who imported it."""
    return ImportBatch.objects.select_related("uploaded_by__profile", "imported_by__profile")


def is_running(batch: ImportBatch) -> bool:
    return batch.state in RUNNING


def progress_of(batch: ImportBatch) -> int:
    """Percent of the file read by the step running now (100 when none is)."""
    if not is_running(batch):
        return 100
    return cache.get(progress_key(batch.pk), 0)


WAITING_SHOWN = 5


def waiting_for_confirmation() -> list[ImportBatch]:
    """The imports checked and ready, waiting for HR to confirm them, oldest first. One
    query."""
    return list(
        ImportBatch.objects.filter(state=ImportState.CHECKED)
        .only("pk", "kind", "file_name", "uploaded_at", "rows_total")
        .order_by("uploaded_at", "pk")[:WAITING_SHOWN]
    )
