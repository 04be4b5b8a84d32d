"""Background tasks of learning (django-tasks): the daily run of rules and reminders."""

from django_tasks import task

from courses.learning import services


@task()
def daily_learning_run() -> dict:
    """Enrol people that assignment rules now match, then send the day's reminders.

    Scheduled once a day (see README: cron or a systemd timer runs
    `manage.py learning_daily`); safe to run twice.
    """
    enrolled = services.assignments_sync()
    reminded = services.reminders_send()
    return {"enrolled": enrolled, "reminders": reminded}
