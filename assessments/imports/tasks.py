"""Background tasks of the imports (django-tasks): checking a file, then writing it."""

from django_tasks import task


@task()
def check_import(batch_id: int) -> dict:
    """Read an uploaded file whole and record what importing it would do."""
    from assessments.imports.importing import batch_check
    from assessments.models.metrics import ImportBatch

    batch = batch_check(ImportBatch.objects.get(pk=batch_id))
    return {"state": batch.state, "rows": batch.rows_total, "problems": batch.problem_count}


@task()
def apply_import(batch_id: int, user_id: int | None = None) -> dict:
    """Write a checked file: every row, or none."""
    from assessments.imports.importing import batch_apply
    from assessments.models.metrics import ImportBatch
    from lms.models.accounts import User

    by = User.objects.filter(pk=user_id).first() if user_id else None
    batch = batch_apply(ImportBatch.objects.get(pk=batch_id), by=by)
    return {"state": batch.state, "created": batch.created, "updated": batch.updated}
