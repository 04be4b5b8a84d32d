"""Settings of the benchmark server: production settings, served over plain HTTP on loopback.

Everything comes from `lms.settings.base` as production runs it (DEBUG off, static files by
their manifest and WhiteNoise, the same middleware and templates); only what a loopback benchmark
cannot have is changed: no HTTPS redirect or secure-only cookies, no MFA requirement, a fixed
key, and a database and cache of its own. The runner (`tests/benchmarks/run.py`) sets the
`BENCH_*` variables for the gunicorn it starts.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production-0123456789abcdef")

from lms.settings.base import *  # noqa: F403
from lms.settings.base import BASE_DIR, DATABASES, env
from lms.settings.env import cache_config, is_shared

DEBUG = False
SECRET_KEY = "bench-secret-key-not-for-production-0123456789abcdef"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.benchmarks.urls"

LMS_ENFORCE_MFA = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# A database of its own, which the runner drops and recreates.
DATABASES = {
    "default": {
        **env.db_url("BENCH_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/lms_bench"),
        "ATOMIC_REQUESTS": False,
        # As shipped: CONN_MAX_AGE defaults to 60, a connection kept between requests.
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
    }
}

# Redis db 14 when the runner found Redis (as production runs), else local memory.
CACHES = {"default": cache_config(env.str("BENCH_CACHE_URL", default=""))}
CACHES["default"]["KEY_PREFIX"] = "lms-bench"
# As lms.settings.base does with a shared cache (it decided before this cache was set).
SHARED_CACHE = is_shared(CACHES["default"])
if SHARED_CACHE:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LMS_PAGE_CACHE = SHARED_CACHE

# The static files' manifest, as production's storage reads it; the runner collects into a
# temporary folder. (Production's storage also compresses each file, which changes nothing in
# the HTML measured here and would add a quarter of a minute to every run.)
STATIC_ROOT = env.path("BENCH_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    **STORAGES,  # noqa: F405 (the others, as production has them)
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
