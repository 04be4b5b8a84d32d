"""Background jobs no fault leaves stuck (lms.platform.jobs): every kind declared, leases that
run out taken up again or given up, `manage.py recover_jobs`, `/healthz` naming what is
overdue, and the worker's loop through a database error. On SQLite as on PostgreSQL: the
worker runs in the test's process (tests/faults/ kills real ones)."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from assessments.certificates.tasks import render_certificates
from assessments.imports.tasks import check_import
from assessments.models import ImportBatch, ImportState
from courses.learning.tasks import daily_learning_run
from lms.models import JobLease
from lms.platform import jobs
from tests.factories import queued_task

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
APPS = ("lms", "courses", "assessments")


def running(task_, *args, started_ago=0, lease_left=None, workers=("w1",)) -> DBTaskResult:
    """A task RUNNING for `started_ago` seconds, with a lease of `lease_left` seconds more
    (negative: ran out; None: no lease)."""
    now = timezone.now()
    found = DBTaskResult.objects.get(
        pk=queued_task(task_, *args, status="RUNNING", worker_ids=list(workers))
    )
    DBTaskResult.objects.filter(pk=found.pk).update(
        started_at=now - datetime.timedelta(seconds=started_ago)
    )
    if lease_left is not None:
        JobLease.objects.create(
            task=found,
            worker_id=workers[-1],
            taken_at=now - datetime.timedelta(seconds=started_ago),
            expires_at=now + datetime.timedelta(seconds=lease_left),
        )
    return found


def test_every_task_of_the_apps_declares_its_kind_and_why():
    declared = {kind.path: kind for kind in jobs.kinds()}
    found = []
    for app in APPS:
        for path in Path(settings.BASE_DIR, app).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            for name in re.findall(r"@task\([^)]*\)\s*\ndef (\w+)", source):
                module = ".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts)
                found.append(f"{module}.{name}")
    assert len(found) >= 8
    for path in found:
        assert path in declared, f"{path} has no job_kind (lms.platform.jobs)"
        assert declared[path].why and declared[path].label
    # Wagtail's own, queued by page and image saves, are known too
    assert "wagtail.tasks.update_reference_index_task" in declared
    assert "modelsearch.tasks.insert_or_update_object_task" in declared


def test_a_task_whose_lease_ran_out_is_queued_again_until_its_attempts_are_spent(settings):
    settings.LMS_JOB_LEASE_SECONDS = 60
    lost = running(daily_learning_run, started_ago=300, lease_left=-5, workers=("w1",))
    alive = running(daily_learning_run, started_ago=300, lease_left=30)

    recovered = jobs.recover()

    assert [(r.task_id, r.requeued) for r in recovered] == [(str(lost.pk), True)]
    lost.refresh_from_db()
    alive.refresh_from_db()
    assert lost.status == "READY" and not JobLease.objects.filter(task=lost).exists()
    assert alive.status == "RUNNING"  # its worker is alive: left alone

    spent = running(daily_learning_run, started_ago=300, lease_left=-5, workers=("a", "b", "c"))
    jobs.recover()
    spent.refresh_from_db()
    assert spent.status == "FAILED" and spent.exception_class_path == jobs.LEASE_EXPIRED
    assert "tried 3 times" in spent.traceback and "a, b, c" in spent.traceback


def test_a_task_running_without_a_lease_for_longer_than_one_is_recovered(settings):
    settings.LMS_JOB_LEASE_SECONDS = 60
    old = running(daily_learning_run, started_ago=61)
    young = running(daily_learning_run, started_ago=10)
    jobs.recover()
    old.refresh_from_db()
    young.refresh_from_db()
    assert (old.status, young.status) == ("READY", "RUNNING")


def test_a_task_of_an_undeclared_kind_is_given_up_not_run_again(settings):
    settings.LMS_JOB_LEASE_SECONDS = 60
    lost = running(chore, started_ago=300, lease_left=-1)
    call_command("recover_jobs", verbosity=0)
    lost.refresh_from_db()
    assert lost.status == "FAILED"
    assert "not declared safe to run again" in jobs.failure_of(lost.pk)


def test_an_import_given_up_is_failed_with_the_reason_and_leaves_checking(settings):
    settings.LMS_JOB_LEASE_SECONDS = 60
    batch = ImportBatch.objects.create(
        kind="surveys", file_name="s.csv", sha256="0" * 64, size=1, state=ImportState.CHECKING
    )
    lost = running(check_import, batch.pk, started_ago=300, lease_left=-1, workers="abc")
    batch.task_id = str(lost.pk)
    batch.save()

    jobs.recover()

    batch.refresh_from_db()
    assert batch.state == ImportState.FAILED
    assert batch.failure.startswith("given up: the worker running it stopped (a, b, c)")


def test_alive_means_waiting_or_running_under_a_live_lease(settings):
    settings.LMS_JOB_LEASE_SECONDS = 60
    waiting = queued_task(daily_learning_run)
    live = running(daily_learning_run, lease_left=30)
    dead = running(daily_learning_run, lease_left=-1)
    done = queued_task(daily_learning_run, status="SUCCESSFUL")
    assert jobs.is_alive(waiting) and jobs.is_alive(live.pk)
    assert not jobs.is_alive(dead.pk) and not jobs.is_alive(done)
    assert not jobs.is_alive("") and not jobs.is_alive("an-immediate-backend-id")
    assert jobs.alive_among([waiting, str(live.pk), str(dead.pk), done, ""]) == {
        waiting,
        str(live.pk),
    }


def test_abandon_takes_a_waiting_task_off_the_queue_never_a_live_one(settings):
    settings.LMS_JOB_LEASE_SECONDS = 60
    waiting = queued_task(daily_learning_run)
    live = running(daily_learning_run, lease_left=30)
    assert jobs.abandon(waiting, "cancelled") and not jobs.is_alive(waiting)
    assert not jobs.abandon(live.pk, "cancelled") and jobs.is_alive(live.pk)


def test_healthz_names_a_task_running_past_its_lease_and_one_waiting_too_long(client, settings):
    settings.TASKS = DATABASE_BACKEND
    settings.LMS_JOB_LEASE_SECONDS = 60
    settings.LMS_HEALTH_MAX_WAIT = 600
    assert client.get("/healthz").status_code == 200
    running(render_certificates, [1], started_ago=400, lease_left=-300)

    response = client.get("/healthz")

    assert response.status_code == 503
    tasks = response.json()["checks"]["tasks"]
    assert tasks["overdue"] == [
        {
            "task": tasks["overdue"][0]["task"],
            "kind": "render_certificates",
            "path": "assessments.certificates.tasks.render_certificates",
            "state": "running past its lease",
            "age": 400,
        }
    ]
    assert "render_certificates running past its lease for 400 s" in tasks["error"]
    # the load balancer's probe leaves the jobs out
    assert client.get("/healthz?checks=serving").status_code == 200

    DBTaskResult.objects.all().delete()
    daily_learning_run.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(seconds=700))
    body = client.get("/healthz").json()
    assert body["failed"] == ["tasks"]
    assert body["checks"]["tasks"]["overdue"][0]["kind"] == "daily_learning_run"
    assert body["checks"]["tasks"]["overdue"][0]["state"] == "waiting"
    assert client.get("/healthz?max_wait=3600").status_code == 200


calls: list[str] = []


@task()
def chore() -> None:
    calls.append("chore")


@jobs.job_kind(label="Tests: fails once on a database error", rerun_safe=True, why="test")
@task()
def flaky() -> str:
    calls.append("flaky")
    if len(calls) == 1:
        raise OperationalError("server closed the connection unexpectedly")
    return "done"


# The worker claims tasks in transactions of its own.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_leases_each_task_and_queues_again_one_cut_by_a_database_error(settings):
    settings.TASKS = DATABASE_BACKEND
    settings.LMS_WORKER_WARM_UP = []
    calls.clear()
    flaky.enqueue()

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert calls == ["flaky", "flaky"]  # queued again after the database error, then done
    found = DBTaskResult.objects.get()
    assert found.status == "SUCCESSFUL" and found.return_value == "done"
    assert len(found.worker_ids) == 2
    assert not JobLease.objects.exists()  # cleared once the outcome is recorded


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_takes_up_a_task_whose_worker_was_lost(settings):
    settings.TASKS = DATABASE_BACKEND
    settings.LMS_WORKER_WARM_UP = []
    settings.LMS_JOB_LEASE_SECONDS = 60
    calls.clear()
    calls.append("the first run, cut short")
    lost = running(flaky, started_ago=300, lease_left=-1, workers=("killed",))

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    lost.refresh_from_db()
    assert lost.status == "SUCCESSFUL" and lost.worker_ids[0] == "killed"


def test_the_drill_job_is_queued_and_reported_for_deploy_fault_drill(settings, capsys):
    settings.TASKS = DATABASE_BACKEND
    call_command("job_drill", "enqueue", "--seconds", "1")
    task_id = capsys.readouterr().out.strip()
    assert DBTaskResult.objects.get(pk=task_id).task_path == "lms.platform.drill.drill_wait"
    call_command("job_drill", "status", task_id)
    assert capsys.readouterr().out.split() == ["READY", "0", "-"]
