"""A small task for the tests of real workers: it leaves a trace of each run it makes."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def record_run(number: int, folder: str, seconds: float = 0.05) -> int:
    """Append this worker's process id to `folder`/`number`: one line per run of the task."""
    time.sleep(seconds)
    path = Path(folder) / str(number)
    with path.open("a", encoding="utf-8") as trace:
        trace.write(f"{os.getpid()}\n")
    return os.getpid()
