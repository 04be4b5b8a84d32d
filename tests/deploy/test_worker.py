"""Background jobs run the way production runs them: queued in the database by the app, done by
separate `manage.py worker` processes (django-tasks-db's `db_worker`; TASKS_BACKEND=database).

PostgreSQL only: the workers are other processes, which cannot see an in-memory SQLite test
database. Each test starts its workers on the test's own database and stops them afterwards,
whatever happened; every wait is bounded and says what it waited for.
"""

import datetime
import hashlib
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import get_commands
from django.db import connection
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from assessments.certificates.services import certificates_issue_for_cycle
from assessments.cycles import compute, services
from assessments.models import (
    AssessmentResult,
    Certificate,
    CycleState,
    ImportBatch,
    ImportState,
    SurveyResult,
)
from tests.deploy import tasks as test_tasks
from tests.factories import assessment_result, csv_bytes, make_cycle, survey

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="workers are other processes: they need PostgreSQL (make test-postgres), not the "
    "test's own in-memory SQLite database",
)
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), postgresql_only]

WAIT = 60  # seconds, for anything a worker does here
# Production's command (lms/management/commands/worker.py: db_worker, warmed up), or
# django-tasks-db's own.
COMMAND = "worker" if "worker" in get_commands() else "db_worker"
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# What a worker must not inherit from the shell running the tests.
NOT_INHERITED = ("DATABASE_URL", "CACHE_URL", "REDIS_URL", "TASKS_BACKEND", "DEBUG")


def database_url() -> str:
    """The URL of the database this test runs on (the test database, not the configured one)."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


class Workers:
    """`manage.py worker` processes on the test database, with their logs."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, count: int = 1) -> list[str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in NOT_INHERITED and not k.startswith(("DJANGO_", "AWS_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="tests.deploy.worker_settings",
            DATABASE_URL=database_url(),
            LMS_TEST_MEDIA_ROOT=str(settings.MEDIA_ROOT),
            LMS_TEST_PRIVATE_ROOT=str(settings.STORAGES["private"]["OPTIONS"]["location"]),
            LMS_TEST_PARENT_PID=str(os.getpid()),
            LMS_TEST_WORKER_LIFETIME="300",
            PYTHONUNBUFFERED="1",
        )
        cache = settings.CACHES["default"]
        if cache["BACKEND"].endswith("RedisCache"):  # shared with the workers, as in production
            env.update(
                LMS_TEST_CACHE_LOCATION=cache["LOCATION"],
                LMS_TEST_CACHE_PREFIX=cache.get("KEY_PREFIX", ""),
            )
        started = []
        for _ in range(count):
            worker_id = f"test-worker-{len(self.processes) + 1}"
            log = self.folder / f"{worker_id}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "manage.py",
                        COMMAND,
                        "--no-reload",
                        "--no-startup-delay",
                        "--interval",
                        "0.2",
                        "--worker-id",
                        worker_id,
                        "--verbosity",
                        "2",
                    ],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            self.processes.append((worker_id, process, log))
            started.append(worker_id)
        for worker_id, _process, log in self.processes:
            if worker_id in started:
                self.wait(
                    lambda log=log: "Starting worker" in log.read_text(errors="replace"),
                    f"worker {worker_id} to start",
                )
        return started

    def logs(self) -> str:
        parts = []
        for worker_id, process, log in self.processes:
            text = log.read_text(errors="replace") if log.exists() else ""
            parts.append(f"--- {worker_id} (exit {process.poll()}) ---\n{text[-4000:]}")
        return "\n".join(parts)

    def wait(self, predicate, what: str, timeout: float = WAIT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            for worker_id, process, _log in self.processes:
                if process.poll() is not None:
                    pytest.fail(
                        f"worker {worker_id} exited while waiting for {what}:\n" + self.logs()
                    )
            time.sleep(0.2)
        pytest.fail(f"waited {timeout:g} s for {what}, in vain; the workers said:\n" + self.logs())

    def stop(self):
        for _worker_id, process, _log in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # finishes the task it runs, then exits
        for _worker_id, process, _log in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


@pytest.fixture
def workers(transactional_db, settings, tmp_path):
    """Queue tasks in the database (as production does) and start workers with `.start(n)`;
    they are stopped at the end of the test, whatever happened, before the test database is
    emptied."""
    settings.TASKS = DATABASE_BACKEND
    pool = Workers(tmp_path)
    try:
        yield pool
    finally:
        pool.stop()


def refreshed(instance):
    instance.refresh_from_db()
    return instance


# An import, through HR's pages ---------------------------------------------------------------


def test_an_uploaded_import_is_checked_and_applied_by_a_worker(
    workers, people, client, no_mfa_enforcement
):
    workers.start(1)
    client.force_login(people["hr"].user)
    upload = SimpleUploadedFile(
        "surveys.csv",
        csv_bytes("surveys", [survey("W-1", "L001", "4.5"), survey("W-2", "L002", "3")]),
    )

    response = client.post(reverse("imports:import_list"), {"kind": "surveys", "file": upload})

    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    # The request only stored the file and queued the check: a worker does it.
    workers.wait(
        lambda: refreshed(batch).state == ImportState.CHECKED, "the worker to check the file"
    )
    assert batch.rows_total == 2 and not SurveyResult.objects.exists()
    status = client.get(reverse("imports:import_status", args=[batch.pk])).json()
    assert status["running"] is False and status["state"] == "checked"

    response = client.post(reverse("imports:import_confirm", args=[batch.pk]))

    assert response.status_code == 302
    workers.wait(lambda: refreshed(batch).state == ImportState.DONE, "the worker to import")
    assert batch.created == 2 and batch.imported_by == people["hr"].user
    assert set(SurveyResult.objects.values_list("reference", "user__username")) == {
        ("W-1", "L001"),
        ("W-2", "L002"),
    }
    # The worker records a task's success once the task has returned: just after the batch
    # says "done".
    done = DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, task_path__contains="_import"
    )
    workers.wait(lambda: done.count() == 2, "the worker to record the import's success")
    assert sorted(r.task_path.rsplit(".", 1)[1] for r in done) == ["apply_import", "check_import"]
    assert {tuple(r.worker_ids) for r in done} == {("test-worker-1",)}


# A cycle computation ------------------------------------------------------------------------


@pytest.fixture
def cycle(db):
    return make_cycle()


def test_a_cycle_is_computed_by_a_worker_and_its_page_sees_the_end(
    redis_cache, workers, people, cycle
):
    # The progress lives in the cache, which the app and the workers share (Redis).
    SurveyResult.objects.create(
        user=people["learner"].user,
        reference="S-1",
        date=datetime.date(2026, 10, 8),
        source="phone",
        score=Decimal(4),
        scale="1-5",
    )
    workers.start(1)

    assert services.cycle_start_computing(cycle) is True

    workers.wait(
        lambda: refreshed(cycle).state == CycleState.COMPUTED, "the worker to compute the cycle"
    )
    assessed = AssessmentResult.objects.filter(cycle=cycle)
    assert assessed.count() == 4  # the four couriers of `people`
    assert assessed.get(user=people["learner"].user).satisfaction == Decimal(75)
    # The app sees the computation finished (a second one may start).
    workers.wait(lambda: compute.cycle_progress(cycle) is None, "the progress to be cleared")
    assert services.cycle_start_computing(cycle) is True


# Certificates rendered in the background ----------------------------------------------------


def test_issued_certificates_are_rendered_by_a_worker_and_downloadable(workers, people, client):
    cycle = make_cycle(
        "2026年第三季度考核", starts_on=datetime.date(2026, 7, 1), state=CycleState.FINALISED
    )
    for key in ("learner", "xihu"):
        assessment_result(cycle, people[key], overall="87.0", efficiency="90.0")
    workers.start(1)

    issued = certificates_issue_for_cycle(cycle=cycle, by=people["hr"].user)

    assert len(issued) == 2
    workers.wait(
        lambda: Certificate.objects.filter(rendered_at__isnull=False).count() == 2,
        "the worker to render both certificates",
        timeout=120,
    )
    mine = Certificate.objects.get(user=people["learner"].user)
    client.force_login(people["learner"].user)
    response = client.get(reverse("certificates:download", args=[mine.pk]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == mine.sha256
    # One task for both, laid out together.
    renders = DBTaskResult.objects.filter(task_path__endswith=".render_certificates")
    assert [(r.status, r.return_value) for r in renders] == [
        (TaskResultStatus.SUCCESSFUL, {"rendered": 2, "missing": 0})
    ]


# Several workers: each task exactly once ----------------------------------------------------


def test_two_workers_share_thirty_tasks_and_run_each_exactly_once(workers, tmp_path):
    traces = tmp_path / "runs"
    traces.mkdir()
    workers.start(2)

    queued = [test_tasks.record_run.enqueue(n, str(traces)) for n in range(30)]

    finished = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
    )
    workers.wait(lambda: finished.count() == 30, "the workers to finish the 30 tasks")
    results = {str(r.id): r for r in DBTaskResult.objects.all()}
    assert {r.id for r in queued} == set(results)
    assert all(r.status == TaskResultStatus.SUCCESSFUL for r in results.values())
    # Each task was claimed by one worker, once, and ran once.
    assert all(len(r.worker_ids) == 1 for r in results.values())
    runs = {int(p.name): p.read_text().split() for p in traces.iterdir()}
    assert sorted(runs) == list(range(30))
    assert all(len(pids) == 1 for pids in runs.values()), runs
    # Both workers took their share.
    assert {r.worker_ids[0] for r in results.values()} == {"test-worker-1", "test-worker-2"}
    assert len({pids[0] for pids in runs.values()}) == 2
