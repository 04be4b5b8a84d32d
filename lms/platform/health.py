"""`GET /healthz`: is this app server fit to take requests? For load balancers and monitoring.

Three checks, each timed: the database answers a query, the cache answers (Redis: its own
ping, since the cache's operations skip failures) and keeps and returns a value, and the task
queue is reachable (with the database backend: its table is readable, with the number of tasks
waiting for a worker and the age of the oldest). 200 and `"status": "ok"` when all pass; 503 and
`"status": "fail"` naming the failed checks otherwise.

No sign-in, no session, nothing written to the database, never cached. The body is for
machines (English, JSON); a failure's details go to the log, and only the exception's class
to the public answer.

The task check also fails on the background jobs (`lms.platform.jobs.overdue`), each named
in `overdue` with its kind, state and age in seconds: a task running past its lease (its
worker is gone and no worker has recovered it), or one that has waited longer than
`LMS_HEALTH_MAX_WAIT` seconds for a worker (`?max_wait=SECONDS` for another limit; a limit of
0 with the setting turns the job checks off).

`?checks=serving` is the load balancer's probe: can this app server serve? The job checks are
left out (the app servers keep serving while the workers are looked after), and the cache
down alone answers 200 with `"status": "degraded"`: every app server shares the one Redis and
serves without it (lms/platform/cache.py), so its outage is no reason to take them all out.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.conf import settings
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

from lms.platform import jobs

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


def check_tasks(max_wait: float | None = None) -> dict:
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
    if max_wait is not None:
        overdue = jobs.overdue(max_wait=max_wait)
        detail["overdue"] = [
            {**item, "kind": item["kind"].rpartition(".")[2], "path": item["kind"]}
            for item in overdue
        ]
        problems = [
            f"{item['kind']} {item['state']} for {item['age']} s" for item in detail["overdue"][:3]
        ]
        waited = detail["oldest_waiting_seconds"]
        if waited > max_wait:
            problems.insert(0, f"a task has waited {waited:g} s, more than {max_wait:g} s")
        if problems:
            detail["ok"] = False
            detail["error"] = "; ".join(problems)
    return detail


def _serving(request) -> bool:
    """The load balancer's probe (`?checks=serving`)."""
    return request.GET.get("checks") == "serving"


def _max_wait(request) -> float | None:
    """The waiting limit of the job checks; None: no job checks."""
    if _serving(request):
        return None
    try:
        value = float(request.GET.get("max_wait", ""))
    except ValueError:
        value = float(getattr(settings, "LMS_HEALTH_MAX_WAIT", 600))
        return value if value > 0 else None
    return value if value >= 0 else None


def _run(check, *args) -> dict:
    started = time.perf_counter()
    try:
        result = {"ok": True, **check(*args)}
    except Exception as error:
        logger.exception("Health check %s failed", check.__name__)
        result = {"ok": False, "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


@never_cache
@require_safe
def healthz(request):
    max_wait = _max_wait(request)
    checks = {
        "database": _run(check_database),
        "cache": _run(check_cache),
        "tasks": _run(check_tasks, max_wait),
    }
    failed = [name for name, result in checks.items() if not result["ok"]]
    optional = {"cache"} if _serving(request) else set()
    fatal = [name for name in failed if name not in optional]
    status = "fail" if fatal else "degraded" if failed else "ok"
    body = {"status": status, "failed": failed, "checks": checks}
    return JsonResponse(body, status=503 if fatal else 200)
