"""`manage.py worker`: the database backend's worker, warmed up before its first task."""

import pytest
from django.core.management import call_command
from django_tasks import task
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
calls: list[str] = []


def warm_up() -> None:
    calls.append("warm up")


@task()
def chore() -> None:
    calls.append("task")


# The worker claims tasks in transactions of its own. Serialized rollback: without it the flush
# after the test re-creates the content types with new ids, and a later test that restores the
# migrations' copy (serialized_rollback, e.g. tests/lms/sso/) collides with them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_warms_up_then_runs_the_queued_tasks(settings):
    settings.TASKS = DATABASE_BACKEND
    settings.LMS_WORKER_WARM_UP = [f"{__name__}.warm_up"]
    calls.clear()
    chore.enqueue()
    assert calls == [] and DBTaskResult.objects.count() == 1  # queued, not run

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert calls == ["warm up", "task"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_the_certificates_renderer_is_warmed_up_by_default(settings):
    assert "assessments.certificates.pdf.warm_up" in settings.LMS_WORKER_WARM_UP
