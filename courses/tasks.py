"""Where jobs queued before the feature packages look for the daily learning run.

The database task backend stores each job with its task's path; jobs queued by an older
release name this path, so it stays importable for as long as such jobs may wait.
"""

from courses.learning.tasks import daily_learning_run

__all__ = ["daily_learning_run"]
