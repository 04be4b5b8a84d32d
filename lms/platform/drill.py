"""The fault drill's job (deploy/fault_drill.sh): a task that only waits, for a staging site's
operator to kill its worker or restart the database under it and see it taken up again."""

import time

from django_tasks import task

from lms.platform.jobs import job_kind


@job_kind(
    label="Fault drill: wait (deploy/fault_drill.sh)",
    rerun_safe=True,
    why="it writes nothing: it only waits",
)
@task()
def drill_wait(seconds: float) -> dict:
    """Wait `seconds`, then say so."""
    time.sleep(seconds)
    return {"waited": seconds}
