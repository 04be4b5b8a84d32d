"""Background task of the learning records (django-tasks): send the statements that are due."""

from django_tasks import task


@task()
def send_statements() -> dict:
    """Send the due statements to the Learning Record Store; what is not taken waits."""
    from assessments.xapi.sending import statements_send

    report = statements_send()
    return {"sent": report.sent, "failed": report.failed, "waiting": report.waiting}
