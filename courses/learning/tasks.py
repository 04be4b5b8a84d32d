"""Background tasks of learning (django-tasks): the daily run of rules and reminders."""

from django_tasks import task

from courses.learning import services
from lms.platform.jobs import job_kind


@job_kind(
    label="Learning: the daily run (assignment rules, reminders)",
    rerun_safe=True,
    why="safe to run twice: people already enrolled are skipped, and a reminder is sent once "
    "(recorded)",
)
@task()
def daily_learning_run() -> dict:
    """Enrol people that assignment rules now match, then send the day's reminders.

    Scheduled once a day (see README: cron or a systemd timer runs
    `manage.py learning_daily`); safe to run twice.
    """
    enrolled = services.assignments_sync()
    reminded = services.reminders_send()
    return {"enrolled": enrolled, "reminders": reminded}
