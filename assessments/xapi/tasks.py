"""Background task of the learning records (django-tasks): send the statements that are due."""

from django_tasks import task

from lms.platform.jobs import job_kind


@job_kind(
    label="Learning records: send the statements that are due",
    rerun_safe=True,
    why="each statement's id is fixed by its event: one sent again is stored once by the LRS "
    "(a 409 or 'already exists' counts as sent), one not sent waits for the next run",
)
@task()
def send_statements() -> dict:
    """Send the due statements to the Learning Record Store; what is not taken waits."""
    from assessments.xapi.sending import statements_send

    report = statements_send()
    return {"sent": report.sent, "failed": report.failed, "waiting": report.waiting}
