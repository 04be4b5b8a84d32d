"""`manage.py worker`: a task worker of the database backend, ready before its first task,
holding a lease on the task it runs and riding out a database restart.

django-tasks-db's `db_worker`, started after the functions of `LMS_WORKER_WARM_UP` have run:
the certificates' renderer loads WeasyPrint, the font and the stylesheet and makes a sample of
each kind (about a second), so the first certificate a worker renders takes as long as the
next ones (under 150 ms, tests/benchmarks/bench_certificates.py) instead of a second more.
Its loop is `lms.platform.worker.LeasedWorker`: a lease per task (`LMS_JOB_LEASE_SECONDS`),
renewed while the task runs; the tasks of workers that are gone taken up again or given up
(`lms.platform.jobs.recover`); database errors waited out. Every option of `db_worker` applies.
"""

import os
import time

from django.conf import settings
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker
from django_tasks_db.management.commands.db_worker import logger

from lms.platform.worker import LeasedWorker


class Command(DatabaseWorker):
    help = (
        "Run a task worker (django-tasks-db's db_worker, with leases and recovery) after "
        "getting it ready for its first task (LMS_WORKER_WARM_UP)."
    )

    def handle(self, *args, **options):
        start = time.perf_counter()
        for path in getattr(settings, "LMS_WORKER_WARM_UP", ()):
            import_string(path)()
        if options["verbosity"] > 1:
            self.stdout.write(f"Ready in {time.perf_counter() - start:.1f} s.")
        self.configure_logging(options["verbosity"])
        reload, batch = options["reload"], options["batch"]
        if reload and batch:
            logger.warning("--reload and --batch cannot be specified together: no autoreload.")
            reload = False
        worker = LeasedWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
