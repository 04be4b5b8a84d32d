"""`manage.py worker`: a task worker of the database backend, ready before its first task.

django-tasks-db's `db_worker`, started after the functions of `LMS_WORKER_WARM_UP` have run:
the certificates' renderer loads WeasyPrint, the font and the stylesheet and makes a sample of
each kind (about a second), so the first certificate a worker renders takes as long as the
next ones (under 150 ms, tests/benchmarks/bench_certificates.py) instead of a second more.
Every option of `db_worker` applies.
"""

import time

from django.conf import settings
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker


class Command(DatabaseWorker):
    help = (
        "Run a task worker (django-tasks-db's db_worker) after getting it ready for its first "
        "task (LMS_WORKER_WARM_UP)."
    )

    def handle(self, *args, **options):
        start = time.perf_counter()
        for path in getattr(settings, "LMS_WORKER_WARM_UP", ()):
            import_string(path)()
        if options["verbosity"] > 1:
            self.stdout.write(f"Ready in {time.perf_counter() - start:.1f} s.")
        return super().handle(*args, **options)
