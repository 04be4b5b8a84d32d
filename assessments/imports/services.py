"""HR's imports as use cases: upload a file (its check queued), confirm a checked file (its
writing queued), cancel one. The checking and the writing themselves are `importing`'s, run by
the background tasks."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.imports import importing, tasks
from assessments.imports.rows import rows_csv
from assessments.models.metrics import ImportBatch, ImportSource, ImportState
from lms.platform.uploads import check_upload


@transaction.atomic
def import_upload(*, kind: str, name: str, stream, by, full_roster: bool = False) -> ImportBatch:
    """Keep an uploaded file as a new import and check it in the background once the
    transaction commits; ValidationError, and nothing kept, for a file larger than an
    import may be (`lms.platform.uploads`)."""
    check_upload(stream, "import")
    batch = importing.batch_create(
        kind=kind, name=name, stream=stream, by=by, full_roster=full_roster
    )
    transaction.on_commit(lambda: tasks.check_import.enqueue(batch.pk))
    return batch


def import_confirm(*, batch: ImportBatch, by) -> None:
    """Write a checked file in the background: only a file checked without errors is written;
    ValidationError otherwise."""
    if batch.state != ImportState.CHECKED:
        raise ValidationError(_("Only a checked file without errors can be imported."))
    user_id = by.pk if by is not None else None
    transaction.on_commit(lambda: tasks.apply_import.enqueue(batch.pk, user_id))


def import_cancel(*, batch: ImportBatch) -> bool:
    """Drop a checked (or rejected) file without writing it; whether it was dropped."""
    return importing.batch_cancel(batch)


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
