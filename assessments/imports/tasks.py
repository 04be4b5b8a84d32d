"""Background tasks of the imports (django-tasks): checking a file, then writing it.

Both are safe to run again after their worker was lost (`lms.platform.jobs`): the check
writes nothing but the batch's summary, and the writing is one transaction."""

from django_tasks import task

from lms.platform.jobs import job_kind


def _given_up(args: list, kwargs: dict, reason: str) -> None:
    from assessments.imports.importing import batch_given_up

    batch_given_up(args[0] if args else kwargs["batch_id"], reason)


@job_kind(
    label="Imports: check a file",
    rerun_safe=True,
    why="reads the file and writes only the batch's summary: a second run gives the same one",
    given_up=_given_up,
)
@task()
def check_import(batch_id: int) -> dict:
    """Read an uploaded file whole and record what importing it would do."""
    from assessments.imports.importing import batch_check
    from assessments.models.metrics import ImportBatch

    batch = batch_check(ImportBatch.objects.get(pk=batch_id))
    return {"state": batch.state, "rows": batch.rows_total, "problems": batch.problem_count}


@job_kind(
    label="Imports: write a checked file",
    rerun_safe=True,
    why="writes every row in one transaction: a run cut short wrote nothing, and the same "
    "task takes up its own batch again (another task cannot)",
    given_up=_given_up,
)
@task(takes_context=True)
def apply_import(context, batch_id: int, user_id: int | None = None) -> dict:
    """Write a checked file: every row, or none."""
    from assessments.imports.importing import batch_apply
    from assessments.models.metrics import ImportBatch
    from lms.models.accounts import User

    by = User.objects.filter(pk=user_id).first() if user_id else None
    batch = ImportBatch.objects.get(pk=batch_id)
    batch = batch_apply(batch, by=by, task_id=str(context.task_result.id))
    _tell(batch, by)
    return {"state": batch.state, "created": batch.created, "updated": batch.updated}


def _tell(batch, by) -> None:
    """Tell the person who confirmed the import that it finished (or failed), once."""
    from django.urls import reverse

    from assessments.models.metrics import ImportState
    from assessments.notifications import IMPORT_FINISHED
    from lms.notifications.services import notify

    if by is None or batch.state not in (ImportState.DONE, ImportState.FAILED):
        return
    notify(
        kind=IMPORT_FINISHED,
        people=[by],
        key=f"import:{batch.pk}:{batch.state}",
        template="assessments/email/import_finished",
        context={"batch": batch, "done": batch.state == ImportState.DONE},
        link=reverse("imports:import_detail", args=[batch.pk]),
    )
