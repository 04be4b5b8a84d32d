"""Settings of the `manage.py worker` processes that tests/deploy/test_worker.py starts.

The test settings, with the database task backend (as production runs it) and what the test
that started the worker shares with it: its test database (DATABASE_URL), its media and
private folders (LMS_TEST_MEDIA_ROOT, LMS_TEST_PRIVATE_ROOT, read by lms.settings.test) and,
where given, its Redis cache (LMS_TEST_CACHE_LOCATION and LMS_TEST_CACHE_PREFIX).

A worker never outlives the test run: it exits by itself when the process that started it has
gone (a test run killed before its fixtures could stop the workers), or after
LMS_TEST_WORKER_LIFETIME seconds whatever happens.
"""

import os
import threading
import time

from lms.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

if os.environ.get("LMS_TEST_CACHE_LOCATION"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["LMS_TEST_CACHE_LOCATION"],
            "KEY_PREFIX": os.environ.get("LMS_TEST_CACHE_PREFIX", ""),
        }
    }


def _watchdog(parent: int, deadline: float) -> None:
    while time.monotonic() < deadline and os.getppid() == parent:
        time.sleep(0.5)
    os._exit(3)


if os.environ.get("LMS_TEST_PARENT_PID"):
    threading.Thread(
        target=_watchdog,
        args=(
            int(os.environ["LMS_TEST_PARENT_PID"]),
            time.monotonic() + float(os.environ.get("LMS_TEST_WORKER_LIFETIME", "600")),
        ),
        daemon=True,
        name="test-worker-watchdog",
    ).start()
