"""Settings of the processes tests/upgrade/test_existing_site.py runs on the copy of an existing
site: the test settings with the database task backend, as production runs it, on the
database DATABASE_URL names and the files LMS_TEST_MEDIA_ROOT and LMS_TEST_PRIVATE_ROOT
hold (both read by lms.settings.test)."""

from lms.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LMS_ENFORCE_MFA = False  # the demo's HR and administrator have no second factor
