"""A way forward on each page whose background job stopped (its worker lost, or given up):
an import checked again or cancelled, a print job started again, a cycle computed again.
HR only, POST only, in the audit log."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.certificates.tasks import print_certificates
from assessments.cycles.tasks import compute_cycle
from assessments.imports import importing
from assessments.imports.tasks import apply_import, check_import
from assessments.models import ImportBatch, ImportState, PrintJob, PrintJobState, SurveyResult
from lms.models import AuditEvent, JobLease
from lms.models.audit import AuditAction
from tests.factories import csv_bytes, in_english, make_cycle, queued_task, survey

pytestmark = pytest.mark.django_db


def lost_task(task_, *args) -> str:
    """A task RUNNING whose worker stopped renewing its lease."""
    task_id = queued_task(task_, *args, status="RUNNING", worker_ids=["killed"])
    now = timezone.now()
    JobLease.objects.create(
        task_id=task_id,
        worker_id="killed",
        taken_at=now - datetime.timedelta(minutes=10),
        expires_at=now - datetime.timedelta(minutes=5),
    )
    return task_id


def live_task(task_, *args) -> str:
    task_id = queued_task(task_, *args, status="RUNNING", worker_ids=["alive"])
    now = timezone.now()
    JobLease.objects.create(
        task_id=task_id,
        worker_id="alive",
        taken_at=now,
        expires_at=now + datetime.timedelta(seconds=60),
    )
    return task_id


@pytest.fixture
def batch(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = csv_bytes("surveys", [survey("S-1"), survey("S-2", "L002")])
    return importing.batch_create(
        kind="surveys", name="surveys.csv", stream=SimpleUploadedFile("surveys.csv", data)
    )


def stuck_importing(batch) -> ImportBatch:
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportState.IMPORTING, task_id=lost_task(apply_import, batch.pk)
    )
    batch.refresh_from_db()
    return batch


def test_an_import_whose_worker_was_lost_offers_checking_again_then_imports(
    people, login, batch, django_capture_on_commit_callbacks
):
    batch = stuck_importing(batch)
    client = in_english(login(people["hr"]))
    page = client.get(f"/data/imports/{batch.pk}/").content.decode()
    assert "The task worker doing this step stopped" in page
    assert f'action="/data/imports/{batch.pk}/retry/"' in page
    assert f'action="/data/imports/{batch.pk}/cancel/"' in page
    assert "data-progress" not in page  # not shown as running for ever
    assert client.get(f"/data/imports/{batch.pk}/status/").json()["running"] is False
    assert client.get(f"/data/imports/{batch.pk}/retry/").status_code == 405
    old = batch.task_id

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/data/imports/{batch.pk}/retry/")

    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == ImportState.CHECKED and batch.created == 2
    assert DBTaskResult.objects.get(pk=old).status == "FAILED"  # the lost one, closed
    event = AuditEvent.objects.get(action=AuditAction.JOB_RETRIED)
    assert event.actor == people["hr"].user and event.object_id == str(batch.pk)
    assert event.details["state"] == "importing"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/data/imports/{batch.pk}/confirm/")
    batch.refresh_from_db()
    assert batch.state == ImportState.DONE and SurveyResult.objects.count() == 2


def test_an_import_whose_worker_was_lost_can_be_cancelled_and_it_is_audited(people, login, batch):
    batch = stuck_importing(batch)
    client = login(people["hr"])
    assert client.post(f"/data/imports/{batch.pk}/cancel/").url == "/data/imports/"
    batch.refresh_from_db()
    assert batch.state == ImportState.CANCELLED
    assert AuditEvent.objects.get(action=AuditAction.JOB_CANCELLED).details["state"] == (
        "importing"
    )


def test_an_import_being_written_by_a_live_worker_cannot_be_cancelled_or_restarted(
    people, login, batch
):
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportState.IMPORTING, task_id=live_task(apply_import, batch.pk)
    )
    client = login(people["hr"])
    page = client.get(f"/data/imports/{batch.pk}/").content.decode()
    assert "data-progress" in page and "/retry/" not in page
    client.post(f"/data/imports/{batch.pk}/cancel/")
    client.post(f"/data/imports/{batch.pk}/retry/")
    batch.refresh_from_db()
    assert batch.state == ImportState.IMPORTING
    assert not AuditEvent.objects.filter(
        action__in=[AuditAction.JOB_CANCELLED, AuditAction.JOB_RETRIED]
    ).exists()


def test_a_check_waiting_for_a_worker_can_be_cancelled_off_the_queue(people, login, batch):
    waiting = queued_task(check_import, batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.CHECKING, task_id=waiting)
    client = login(people["hr"])
    page = client.get(f"/data/imports/{batch.pk}/").content.decode()
    assert f'action="/data/imports/{batch.pk}/cancel/"' in page
    client.post(f"/data/imports/{batch.pk}/cancel/")
    batch.refresh_from_db()
    assert batch.state == ImportState.CANCELLED
    assert DBTaskResult.objects.get(pk=waiting).status == "FAILED"  # no worker will take it


def test_the_same_apply_task_takes_up_its_own_batch_again_another_cannot(batch):
    importing.batch_check(batch)
    task_id = lost_task(apply_import, batch.pk)
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportState.IMPORTING, task_id=task_id)
    batch.refresh_from_db()

    other = importing.batch_apply(batch, task_id="another-task")
    assert other.state == ImportState.IMPORTING and not SurveyResult.objects.exists()

    again = importing.batch_apply(batch, task_id=task_id)
    assert again.state == ImportState.DONE and SurveyResult.objects.count() == 2


def test_a_print_job_whose_worker_was_lost_is_started_again(
    people, login, django_capture_on_commit_callbacks
):
    job = PrintJob.objects.create(
        created_by=people["hr"].user, certificate_ids=[], count=0, state=PrintJobState.RUNNING
    )
    PrintJob.objects.filter(pk=job.pk).update(task_id=lost_task(print_certificates, job.pk))
    client = in_english(login(people["hr"]))
    page = client.get(f"/assessment/certificates/print/{job.pk}/").content.decode()
    assert "The task worker joining this print job stopped" in page
    assert f'action="/assessment/certificates/print/{job.pk}/retry/"' in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/assessment/certificates/print/{job.pk}/retry/")

    job.refresh_from_db()
    assert job.state == PrintJobState.FAILED and job.failure == "nothing to print"  # it ran
    event = AuditEvent.objects.get(action=AuditAction.JOB_RETRIED)
    assert event.object_id == str(job.pk) and event.details["state"] == "running"


def test_a_lost_computation_does_not_block_recompute_and_a_failed_one_says_so(
    people, login, django_capture_on_commit_callbacks
):
    cycle = make_cycle()
    cycle.compute_task_id = lost_task(compute_cycle, cycle.pk)
    cycle.save(update_fields=["compute_task_id"])
    client = in_english(login(people["hr"]))
    page = client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert "data-progress" not in page and f"/cycles/{cycle.pk}/compute/" in page

    DBTaskResult.objects.filter(pk=cycle.compute_task_id).update(
        status="FAILED", traceback="lms.platform.jobs.LeaseExpired: the worker stopped"
    )
    page = client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
    assert "The last computation did not finish" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/assessment/cycles/{cycle.pk}/compute/")

    cycle.refresh_from_db()
    assert cycle.state == "computed"
    event = AuditEvent.objects.get(action=AuditAction.JOB_RETRIED)
    assert event.object_id == str(cycle.pk)
    assert "the worker stopped" in event.details["failure"]
