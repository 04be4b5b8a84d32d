"""`GET /healthz`: is this app server fit to take requests? For load balancers and monitoring.

Three checks, each timed: the database answers a query, the cache answers (Redis: its own
ping, since the cache's operations skip failures) and keeps and returns a value,
and the task queue is reachable (with the database backend: its table is readable, with the
number of tasks waiting for a worker and the age of the oldest). 200 and `"status": "ok"`
when all pass; 503 and `"status": "fail"` naming the failed checks otherwise.

No sign-in, no session, nothing written to the database, never cached. The body is for
machines (English, JSON); a failure's details go to the log, and only the exception's class
to the public answer. `?max_wait=SECONDS` also fails the task check when the oldest waiting
task has waited longer: for the monitoring probe that should notice that no worker runs (a
load balancer's probe leaves it out, so that app servers keep serving meanwhile).
`?cache=optional`, for the load balancer's probe, answers 200 with `"status": "degraded"` when
the cache is the only failed check: every app server shares the one Redis and serves without
it (lms/platform/cache.py), so its outage is no reason to take them all out.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Min
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_cache() -> dict:
    cache = caches["default"]
    ping = getattr(cache, "ping", None)
    if ping is not None:
        # lms.platform.cache.RedisCache skips its failures (the site goes on without it): ask
        # the server itself, which raises when it is unreachable.
        ping()
    key = f"healthz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return the value just stored")
    finally:
        cache.delete(key)
    return {"backend": type(cache).__name__}


def check_tasks() -> dict:
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    detail: dict = {"backend": type(backend).__name__}
    if not isinstance(backend, DatabaseBackend):
        return detail  # the immediate backend runs tasks where they are queued
    waiting = DBTaskResult.objects.ready().filter(backend_name=backend.alias)
    found = waiting.aggregate(count=Count("id"), oldest=Min("enqueued_at"))
    age = (timezone.now() - found["oldest"]).total_seconds() if found["oldest"] else 0.0
    detail["waiting"] = found["count"]
    detail["oldest_waiting_seconds"] = round(max(age, 0.0), 1)
    detail["running"] = DBTaskResult.objects.running().filter(backend_name=backend.alias).count()
    return detail


def _max_wait(request) -> float | None:
    try:
        value = float(request.GET.get("max_wait", ""))
    except ValueError:
        return None
    return value if value >= 0 else None


def _run(check) -> dict:
    started = time.perf_counter()
    try:
        result = {"ok": True, **check()}
    except Exception as error:
        logger.exception("Health check %s failed", check.__name__)
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


@never_cache
@require_safe
def healthz(request):
    checks = {
        "database": _run(check_database),
        "cache": _run(check_cache),
        "tasks": _run(check_tasks),
    }
    max_wait = _max_wait(request)
    waited = checks["tasks"].get("oldest_waiting_seconds", 0)
    if max_wait is not None and waited > max_wait:
        checks["tasks"]["ok"] = False
        checks["tasks"]["error"] = f"a task has waited {waited:g} s, more than {max_wait:g} s"
    failed = [name for name, result in checks.items() if not result["ok"]]
    optional = {"cache"} if request.GET.get("cache") == "optional" else set()
    fatal = [name for name in failed if name not in optional]
    status = "fail" if fatal else "degraded" if failed else "ok"
    body = {"status": status, "failed": failed, "checks": checks}
    return JsonResponse(body, status=503 if fatal else 200)
