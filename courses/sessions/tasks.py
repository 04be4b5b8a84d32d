"""Background tasks of live sessions (django-tasks): the reminders of the day before."""

from django_tasks import task

from courses.sessions.notices import session_reminders_send
from lms.platform.jobs import job_kind


@job_kind(
    label="Sessions: the day-before reminders",
    rerun_safe=True,
    why="safe to run twice: a person is reminded of a session and its start date once "
    "(the notification's key)",
)
@task()
def session_reminders_daily() -> dict:
    """Remind everyone with a place in a session that starts tomorrow.

    Scheduled once a day (see deploy/README.md: cron or a systemd timer runs
    `manage.py session_reminders`); safe to run twice.
    """
    return {"reminded": session_reminders_send()}
