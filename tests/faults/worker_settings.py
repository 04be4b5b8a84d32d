"""Settings of the `manage.py worker` processes of the fault tests (tests/faults/services.py):
those of tests/deploy/worker_settings.py (the database task backend, the test's folders and
Redis, a watchdog), with the lease of LMS_JOB_LEASE_SECONDS and, for a worker started with
LMS_FAULTS_SLOW=1, its jobs slowed down (tests/faults/slow.py) so that a test can kill it in
the middle of one. The slowing is installed by the worker's warm-up: the product's code has
no hook for it."""

import os

from tests.deploy.worker_settings import *  # noqa: F403

LMS_JOB_LEASE_SECONDS = float(os.environ.get("LMS_JOB_LEASE_SECONDS", "4"))
LMS_JOB_RECORD_SECONDS = float(os.environ.get("LMS_JOB_RECORD_SECONDS", "30"))
LMS_WORKER_WARM_UP = ["tests.faults.slow.install"] if os.environ.get("LMS_FAULTS_SLOW") else []
