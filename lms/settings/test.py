"""Test settings: the base settings with fast hashing and no outgoing mail."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")

from lms.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Uploaded and generated files (demo images, documents) go to a throw-away folder, on the
# disk whatever the environment says about S3 (the tests of the S3 settings use their own);
# a task worker started by a test (tests/deploy/) is given the test's folders.
MEDIA_ROOT = os.environ.get("LMS_TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="lms-test-media-")
PRIVATE_ROOT = os.environ.get("LMS_TEST_PRIVATE_ROOT") or tempfile.mkdtemp(
    prefix="lms-test-private-"
)
STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # noqa: F405
STORAGES["private"] = {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": PRIVATE_ROOT},
}
# Tasks run inside the test that queues them, whatever TASKS_BACKEND says; the tests of the
# real workers (tests/deploy/test_worker.py) switch to the database backend themselves.
TASKS = {"default": {"BACKEND": TASK_BACKENDS["immediate"]}}  # noqa: F405
# One process, one cache: the page caches are on, as in production with Redis.
LMS_PAGE_CACHE = True
