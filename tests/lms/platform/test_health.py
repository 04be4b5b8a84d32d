"""`GET /healthz`, what a load balancer and the monitoring ask each app server."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from courses.learning.tasks import daily_learning_run

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Port 1 on this machine: nothing listens, the connection is refused at once.
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

pytestmark = pytest.mark.django_db


def test_healthy_answers_200_with_each_check(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert set(body["checks"]) == {"database", "cache", "tasks"}
    assert all(check["ok"] for check in body["checks"].values())
    assert all(check["ms"] >= 0 for check in body["checks"].values())
    assert body["checks"]["cache"]["backend"] == "LocMemCache"
    assert body["checks"]["tasks"]["backend"] == "ImmediateBackend"
    # Never cached by a proxy, no session started, nothing written.
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert not response.cookies
    statements = [q["sql"].lstrip().upper() for q in queries.captured_queries]
    assert statements
    assert all(s.startswith(("SELECT", "SAVEPOINT", "RELEASE")) for s in statements), statements


def test_no_sign_in_no_https_redirect_and_no_mfa_for_the_probe(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.LMS_ENFORCE_MFA = True

    assert client.get("/healthz").status_code == 200
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_database_task_queue_reports_waiting_tasks_and_their_age(client, settings):
    settings.TASKS = DATABASE_BACKEND
    daily_learning_run.enqueue()
    daily_learning_run.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))

    tasks = client.get("/healthz").json()["checks"]["tasks"]

    assert tasks["ok"] is True
    assert tasks["backend"] == "DatabaseBackend"
    assert tasks["waiting"] == 2
    assert tasks["running"] == 0
    assert 299 <= tasks["oldest_waiting_seconds"] <= 330


def test_max_wait_fails_when_no_worker_has_taken_the_oldest_task(client, settings):
    settings.TASKS = DATABASE_BACKEND
    daily_learning_run.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=15))

    assert client.get("/healthz?max_wait=3600").status_code == 200
    response = client.get("/healthz?max_wait=600")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failed"] == ["tasks"]
    assert "more than 600 s" in body["checks"]["tasks"]["error"]


def test_an_empty_database_queue_is_healthy_whatever_max_wait(client, settings):
    settings.TASKS = DATABASE_BACKEND

    tasks = client.get("/healthz?max_wait=0").json()["checks"]["tasks"]

    assert tasks == {**tasks, "ok": True, "waiting": 0, "oldest_waiting_seconds": 0}


def test_cache_down_answers_503_naming_the_cache(client, settings):
    settings.CACHES = UNREACHABLE_REDIS

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["cache"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ms"] < 3000


def test_cache_returning_nothing_is_a_failure(client):
    with mock.patch.object(LocMemCache, "get", return_value=None):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_database_down_answers_503_naming_the_database_and_the_queue(client, settings):
    settings.TASKS = DATABASE_BACKEND
    refused = OperationalError("connection to server at 10.0.0.5 failed: Connection refused")

    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database", "tasks"]
    assert body["checks"]["cache"]["ok"] is True
    # The public answer names the kind of failure only, never the server's address.
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert "10.0.0.5" not in response.content.decode()


def test_a_failing_query_is_a_database_failure(client):
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("gone")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
