"""Background tasks of the assessments app (django-tasks).

With the immediate backend (the embedded default) they run inside the request;
with the database backend, on whichever worker takes them first.
"""

from django_tasks import task


@task()
def check_import(batch_id: int) -> dict:
    """Read an uploaded file whole and record what importing it would do."""
    from assessments.data_imports import batch_check
    from assessments.models import ImportBatch

    batch = batch_check(ImportBatch.objects.get(pk=batch_id))
    return {"state": batch.state, "rows": batch.rows_total, "problems": batch.problem_count}


@task()
def apply_import(batch_id: int, user_id: int | None = None) -> dict:
    """Write a checked file: every row, or none."""
    from assessments.data_imports import batch_apply
    from assessments.models import ImportBatch
    from lms.models import User

    by = User.objects.filter(pk=user_id).first() if user_id else None
    batch = batch_apply(ImportBatch.objects.get(pk=batch_id), by=by)
    return {"state": batch.state, "created": batch.created, "updated": batch.updated}


@task()
def compute_cycle(cycle_id: int) -> dict:
    """Compute (or recompute) an assessment cycle, its progress in the cache for the page."""
    from assessments.cycles import cycle_compute, progress_reporter
    from assessments.models import AssessmentCycle

    cycle = AssessmentCycle.objects.get(pk=cycle_id)
    people = cycle_compute(cycle, on_progress=progress_reporter(cycle))
    return {"people": people}
