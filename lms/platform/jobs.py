"""Background jobs that no fault leaves stuck: leases, recovery, and the kinds of job.

With the database task backend, a `manage.py worker` (lms/management/commands/worker.py) that
takes a task writes a lease (`lms.models.JobLease`) of `LMS_JOB_LEASE_SECONDS` and renews it
from a heartbeat while the task runs. A task RUNNING whose lease ran out (its worker was
killed, its machine lost) is found by `recover`, which every worker runs on its loop and
`manage.py recover_jobs` runs from cron: a kind of job that is safe to run again goes back to
the queue (at most `LMS_JOB_MAX_ATTEMPTS` attempts in all), any other is marked failed with a
reason a person can read, and its kind's `given_up` hook takes the object it was working on
out of its in-progress state.

Every kind of job the queue carries is declared here (`job_kind`, next to its `@task`, or
`THIRD_PARTY` for Wagtail's): whether running it again is safe, and why. A task of a kind not
declared is never run again by recovery.

Pages decide "being computed", "importing" and the like from the task itself (`is_alive`:
waiting in the queue, or running under a live lease), not from a timer. With the immediate
backend (development, tests) a task has run before `enqueue` returns: nothing is alive.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lms.models.jobs import JobLease

logger = logging.getLogger(__name__)

# The exception class recorded on a task given up by recovery.
LEASE_EXPIRED = "lms.platform.jobs.LeaseExpired"


class LeaseExpired(Exception):
    """A task's worker stopped renewing its lease: the task is given up."""


@dataclass(frozen=True)
class JobKind:
    path: str  # the task's module path, as django-tasks-db stores it (task_path)
    label: str  # what it does, in English, for the operator (logs, /healthz, the deploy guide)
    rerun_safe: bool
    why: str  # why it is (or is not) safe to run again
    given_up: Callable[[list, dict, str], None] | None = None  # (args, kwargs, reason)


_KINDS: dict[str, JobKind] = {}


def job_kind(*, label: str, rerun_safe: bool, why: str, given_up=None):
    """Declare the kind of a task (a decorator, put above `@task()`)."""

    def declare(task):
        path = task.module_path
        _KINDS[path] = JobKind(path, label, rerun_safe, why, given_up)
        return task

    return declare


# Wagtail's own tasks, queued by page and image saves (and `seed_demo`): each recomputes what
# it writes from the current rows, so running it twice gives the same index.
THIRD_PARTY = [
    JobKind(
        "wagtail.tasks.update_reference_index_task",
        "Wagtail: update the reference index of an object",
        True,
        "rebuilds the object's references from its current content, in one transaction",
    ),
    JobKind(
        "wagtail.tasks.delete_file_from_storage_task",
        "Wagtail: delete a removed image's or document's file",
        True,
        "deleting a file already deleted does nothing",
    ),
    JobKind(
        "wagtail.images.tasks.set_image_focal_point_task",
        "Wagtail: set an image's focal point",
        True,
        "computes the focal point again from the image and overwrites it",
    ),
    JobKind(
        "modelsearch.tasks.insert_or_update_object_task",
        "Wagtail search: index an object",
        True,
        "writes the object's search entry from its current content",
    ),
    JobKind(
        "wagtail.contrib.frontend_cache.tasks.purge_urls_from_cache_task",
        "Wagtail: purge URLs from a front-end cache",
        True,
        "purging a URL twice is the same as once",
    ),
]
for _kind in THIRD_PARTY:
    _KINDS[_kind.path] = _kind


def kind_of(path: str) -> JobKind | None:
    """The declared kind of a task path (its module is imported first, which declares it)."""
    if path not in _KINDS:
        module = path.rpartition(".")[0]
        try:
            __import__(module)
        except ImportError:
            return None
    return _KINDS.get(path)


def kinds() -> list[JobKind]:
    """Every declared kind (the task modules of the three apps imported), by path."""
    for module in _TASK_MODULES:
        __import__(module)
    return sorted(_KINDS.values(), key=lambda kind: kind.path)


# The modules that declare the project's own tasks.
_TASK_MODULES = (
    "assessments.imports.tasks",
    "assessments.cycles.tasks",
    "assessments.certificates.tasks",
    "assessments.certificates.expiry",
    "assessments.xapi.tasks",
    "courses.learning.tasks",
    "lms.platform.drill",
    "lms.notifications.tasks",
)


def label_of(path: str) -> str:
    kind = kind_of(path)
    return kind.label if kind else path


# Settings --------------------------------------------------------------------------------


def lease_seconds() -> float:
    return float(getattr(settings, "LMS_JOB_LEASE_SECONDS", 120))


def max_attempts() -> int:
    return int(getattr(settings, "LMS_JOB_MAX_ATTEMPTS", 3))


# Leases -----------------------------------------------------------------------------------


def lease_take(task: DBTaskResult, worker_id: str, *, now=None) -> None:
    """The lease of a task just claimed by `worker_id`, written in the claim's transaction
    (no transaction of its own: SQLite's claim runs in a manual `BEGIN EXCLUSIVE`)."""
    now = now or timezone.now()
    fields = {
        "worker_id": worker_id,
        "taken_at": now,
        "expires_at": now + datetime.timedelta(seconds=lease_seconds()),
    }
    if not JobLease.objects.filter(task=task).update(**fields):
        JobLease.objects.create(task=task, **fields)


def lease_renew(task_id, worker_id: str, *, now=None) -> bool:
    """Push the lease on; False when the worker no longer holds it (recovery took it)."""
    now = now or timezone.now()
    return bool(
        JobLease.objects.filter(task_id=task_id, worker_id=worker_id).update(
            expires_at=now + datetime.timedelta(seconds=lease_seconds())
        )
    )


def holds_lease(task_id, worker_id: str) -> bool:
    return JobLease.objects.filter(task_id=task_id, worker_id=worker_id).exists()


# The state of a task, for pages --------------------------------------------------------------


def _alive_q(now) -> Q:
    return Q(status=TaskResultStatus.READY) | Q(
        status=TaskResultStatus.RUNNING, lease__expires_at__gte=now
    )


def is_alive(task_id) -> bool:
    """Whether a task is waiting for a worker or running under a live lease. False for no
    task, a task of another backend (the immediate one runs it at once), or one finished."""
    task_id = _uuid(task_id)
    if task_id is None:
        return False
    return DBTaskResult.objects.filter(_alive_q(timezone.now()), pk=task_id).exists()


def _uuid(task_id) -> uuid.UUID | None:
    """A database task's id, or None (no task, or one of the immediate backend)."""
    try:
        return uuid.UUID(str(task_id)) if task_id else None
    except ValueError:
        return None


def alive_among(task_ids) -> set[str]:
    """Those of `task_ids` that are alive (`is_alive`), in one query (none for no id)."""
    ids = {str(found) for found in map(_uuid, task_ids) if found is not None}
    if not ids:
        return set()
    alive = DBTaskResult.objects.filter(_alive_q(timezone.now()), pk__in=ids)
    return {str(pk) for pk in alive.values_list("pk", flat=True)}


def is_waiting(task_id) -> bool:
    """Whether a task is in the queue, not taken by a worker yet."""
    task_id = _uuid(task_id)
    if task_id is None:
        return False
    return DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.READY).exists()


def failure_of(task_id) -> str:
    """Why a task failed, in one line for a page ("" when it did not, or is unknown)."""
    task_id = _uuid(task_id)
    if task_id is None:
        return ""
    found = (
        DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.FAILED)
        .values_list("exception_class_path", "traceback")
        .first()
    )
    if found is None:
        return ""
    path, traceback = found
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1] if lines else path


def abandon(task_id, reason: str) -> bool:
    """Mark a task failed that is waiting, or running under a lease that ran out (HR chose to
    cancel or retry its object); False when it is running under a live lease or finished."""
    task_id = _uuid(task_id)
    if task_id is None:
        return False
    now = timezone.now()
    with transaction.atomic():
        waiting = DBTaskResult.objects.filter(
            Q(status=TaskResultStatus.READY)
            | Q(status=TaskResultStatus.RUNNING, lease__expires_at__lt=now)
            | Q(status=TaskResultStatus.RUNNING, lease__isnull=True),
            pk=task_id,
        )
        task = waiting.select_for_update(skip_locked=True, of=("self",)).first()
        if task is None:
            return False
        _fail(task, reason, now)
    return True


def _fail(task: DBTaskResult, reason: str, now) -> None:
    task.status = TaskResultStatus.FAILED
    task.finished_at = now
    task.exception_class_path = LEASE_EXPIRED
    task.traceback = f"{LEASE_EXPIRED}: {reason}"
    task.return_value = None
    task.save(
        update_fields=[
            "status",
            "finished_at",
            "exception_class_path",
            "traceback",
            "return_value",
        ]
    )
    JobLease.objects.filter(task=task).delete()


# Recovery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recovered:
    task_id: str
    kind: str
    requeued: bool  # True: back in the queue; False: given up (failed)
    attempts: int


def expired(*, now=None):
    """RUNNING tasks whose lease ran out, or that run with no lease (taken by a worker
    without leases) since longer than a lease."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=lease_seconds())
    return DBTaskResult.objects.running().filter(
        Q(lease__expires_at__lt=now) | Q(lease__isnull=True, started_at__lt=stale)
    )


def recover(*, now=None) -> list[Recovered]:
    """Take up again, or give up, every task whose worker is gone. Safe to run by many
    workers at once: each task is handled by one (its row locked, others skipped)."""
    now = now or timezone.now()
    done = []
    for task_id in list(expired(now=now).values_list("pk", flat=True)[:100]):
        outcome = _recover_one(task_id, now)
        if outcome is not None:
            done.append(outcome)
    return done


def _recover_one(task_id, now) -> Recovered | None:
    with transaction.atomic():
        task = (
            expired(now=now)
            .filter(pk=task_id)
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if task is None:
            return None  # another worker has it, or it moved on
        kind = kind_of(task.task_path)
        attempts = len(task.worker_ids)
        workers = ", ".join(task.worker_ids) or "?"
        if kind is not None and kind.rerun_safe and attempts < max_attempts():
            task.status = TaskResultStatus.READY
            task.save(update_fields=["status"])
            JobLease.objects.filter(task=task).delete()
            logger.warning(
                "Task %s (%s) lost its worker (%s): queued again, attempt %d of %d.",
                task.pk,
                task.task_path,
                workers,
                attempts + 1,
                max_attempts(),
            )
            return Recovered(str(task.pk), task.task_path, True, attempts)
        if kind is None:
            why = "its kind is not declared safe to run again"
        elif not kind.rerun_safe:
            why = "it is not safe to run again"
        else:
            why = f"it was tried {attempts} times"
        reason = f"the worker running it stopped ({workers}) and {why}"
        _fail(task, reason, now)
        args = task.args_kwargs.get("args", [])
        kwargs = task.args_kwargs.get("kwargs", {})
        logger.error("Task %s (%s) given up: %s.", task.pk, task.task_path, reason)
    given_up(kind, args, kwargs, reason)
    return Recovered(str(task.pk), task.task_path, False, attempts)


def given_up(kind: JobKind | None, args: list, kwargs: dict, reason: str) -> None:
    """Run a kind's `given_up` hook; a failure of the hook is logged, never raised."""
    if kind is None or kind.given_up is None:
        return
    try:
        kind.given_up(args, kwargs, reason)
    except Exception:
        logger.exception("The given-up hook of %s failed", kind.path)


# Health ------------------------------------------------------------------------------------


def overdue(*, now=None, max_wait: float) -> list[dict]:
    """What /healthz reports: tasks running past their lease, and tasks waiting longer than
    `max_wait` seconds, each with its kind and age (the oldest first, ten at most)."""
    now = now or timezone.now()
    found = []
    for pk, path, started in expired(now=now).values_list("pk", "task_path", "started_at")[:10]:
        age = (now - started).total_seconds() if started else 0.0
        found.append(
            {"task": str(pk), "kind": path, "state": "running past its lease", "age": round(age)}
        )
    limit = now - datetime.timedelta(seconds=max_wait)
    waiting = (
        DBTaskResult.objects.ready()
        .filter(enqueued_at__lt=limit)
        .order_by("enqueued_at")
        .values_list("pk", "task_path", "enqueued_at")[:10]
    )
    for pk, path, enqueued in waiting:
        age = (now - enqueued).total_seconds()
        found.append({"task": str(pk), "kind": path, "state": "waiting", "age": round(age)})
    return found
