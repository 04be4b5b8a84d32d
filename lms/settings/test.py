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
# Uploaded and generated files (demo images, documents) go to a throw-away folder.
MEDIA_ROOT = tempfile.mkdtemp(prefix="lms-test-media-")
PRIVATE_ROOT = tempfile.mkdtemp(prefix="lms-test-private-")
STORAGES["private"]["OPTIONS"] = {"location": PRIVATE_ROOT}  # noqa: F405
