"""The task worker's loop (`manage.py worker`): django-tasks-db's, with leases and recovery,
and riding out a database restart.

- Taking a task writes its lease in the same transaction (`jobs.lease_take`); a heartbeat
  thread, on its own database connection, renews it every quarter of a lease while the task
  runs, and keeps trying through database errors.
- Every half lease, the worker runs `jobs.recover` (the tasks of workers that are gone).
- A database error while taking a task or recovering (the database restarting, the
  connection dropped) closes the connection and waits, longer each time (up to 30 s), then
  tries again: the worker does not exit.
- The outcome of the task it held is recorded once the database is back (tried for up to
  `LMS_JOB_RECORD_SECONDS`, then left to the lease: recovery decides). A task that failed only
  because the database connection broke is queued again when its kind is safe to run again.
  An outcome is recorded only while the worker still holds the lease.
- A worker that must exit logs why.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.utils import InterfaceError, OperationalError
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from lms.models.jobs import JobLease
from lms.platform import jobs

logger = logging.getLogger("django_tasks_db")

DATABASE_ERRORS = (OperationalError, InterfaceError)
MAX_BACKOFF = 30.0


def _reconnect() -> None:
    """Drop this thread's connection (broken or not): the next query opens a new one."""
    try:
        connection.close()
    except Exception:
        connection.connection = None


class Heartbeat(threading.Thread):
    """Renews a task's lease every quarter of a lease until stopped."""

    def __init__(self, task_id, worker_id: str):
        super().__init__(daemon=True, name=f"lease-{task_id}")
        self.task_id, self.worker_id = task_id, worker_id
        self.stopped = threading.Event()
        self.lost = False  # recovery took the task: the lease is someone else's

    def run(self) -> None:
        every = max(jobs.lease_seconds() / 4, 0.1)
        try:
            while not self.stopped.wait(every):
                try:
                    if not jobs.lease_renew(self.task_id, self.worker_id):
                        self.lost = True
                        logger.error(
                            "Task %s: lease lost (taken up by recovery); its outcome will "
                            "not be recorded by this worker.",
                            self.task_id,
                        )
                        return
                except DATABASE_ERRORS as error:
                    logger.warning("Task %s: lease not renewed (%s)", self.task_id, error)
                    _reconnect()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)


class LeasedWorker(Worker):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.backoff = 0.0
        self.recovered_at = 0.0

    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s lease=%ss",
            self.worker_id,
            ",".join(self.queue_names),
            f"{jobs.lease_seconds():g}",
        )
        try:
            self._loop()
        except SystemExit:
            raise
        except BaseException:
            logger.exception("Worker %s exiting: unexpected error", self.worker_id)
            raise
        finally:
            # The default handlers back: a process that goes on (a test calling the command)
            # is not stopped later by this worker's handlers.
            self.reset_signals()

    def _loop(self) -> None:
        while self.running:
            try:
                self._recover_now_and_then()
                task_result = self._claim()
                close_old_connections()
            except DATABASE_ERRORS as error:
                self._database_down(error)
                continue
            self.backoff = 0.0
            if task_result is not None:
                self.run_task(task_result)
            if self.batch and task_result is None:
                logger.info("No more tasks for worker_id=%s - exiting.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info(
                    "Ran %d tasks on worker=%s - exiting.", self._run_tasks, self.worker_id
                )
                return
            if self.running and task_result is None:
                time.sleep(self.interval)

    def _database_down(self, error: Exception) -> None:
        self.backoff = min(MAX_BACKOFF, max(0.5, self.backoff * 2))
        logger.warning(
            "Worker %s: database unavailable (%s); trying again in %.1f s",
            self.worker_id,
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
            self.backoff,
        )
        _reconnect()
        time.sleep(self.backoff)

    def _recover_now_and_then(self) -> None:
        if time.monotonic() - self.recovered_at < jobs.lease_seconds() / 2:
            return
        self.recovered_at = time.monotonic()
        jobs.recover()

    def _claim(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
                jobs.lease_take(task_result, self.worker_id)
        return task_result

    def run_task(self, db_task_result: DBTaskResult) -> None:
        heartbeat = Heartbeat(db_task_result.pk, self.worker_id)
        heartbeat.start()
        self.running_task = True
        error: BaseException | None = None
        return_value = None
        try:
            task = db_task_result.task
            task_started.send(
                sender=type(task.get_backend()), task_result=db_task_result.task_result
            )
            return_value = self._call(db_task_result)
        except BaseException as raised:
            error = raised
        finally:
            heartbeat.stop()
            self.running_task = False
            self._run_tasks += 1
        if isinstance(error, DATABASE_ERRORS):
            _reconnect()
        self._record(db_task_result, return_value, error, lost=heartbeat.lost)
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise error

    def _call(self, db_task_result: DBTaskResult):
        from django_tasks.base import TaskContext

        task = db_task_result.task
        task_result = db_task_result.task_result
        if task.takes_context:
            return task.call(
                TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
            )
        return task.call(*task_result.args, **task_result.kwargs)

    def _record(self, db_task_result: DBTaskResult, return_value, error, *, lost: bool) -> None:
        """Record the outcome, through a database restart; bounded, then left to the lease."""
        if lost:
            return
        deadline = time.monotonic() + float(getattr(settings, "LMS_JOB_RECORD_SECONDS", 60))
        delay = 0.5
        while True:
            try:
                self._record_once(db_task_result, return_value, error)
                return
            except DATABASE_ERRORS as failure:
                if time.monotonic() >= deadline:
                    logger.error(
                        "Task %s: outcome not recorded (%s); its lease will run out and "
                        "recovery will decide.",
                        db_task_result.pk,
                        failure,
                    )
                    _reconnect()
                    return
                logger.warning(
                    "Task %s: outcome not recorded yet (%s); trying again in %.1f s",
                    db_task_result.pk,
                    failure,
                    delay,
                )
                _reconnect()
                time.sleep(delay)
                delay = min(MAX_BACKOFF, delay * 2)

    def _record_once(self, db_task_result: DBTaskResult, return_value, error) -> None:
        kind = jobs.kind_of(db_task_result.task_path)
        requeue = (
            isinstance(error, DATABASE_ERRORS)
            and kind is not None
            and kind.rerun_safe
            and len(db_task_result.worker_ids) < jobs.max_attempts()
        )
        with transaction.atomic():
            held = JobLease.objects.select_for_update().filter(
                task_id=db_task_result.pk, worker_id=self.worker_id
            )
            if not held.exists():
                logger.error(
                    "Task %s: the lease was taken up by recovery meanwhile; outcome not recorded.",
                    db_task_result.pk,
                )
                return
            if error is None:
                db_task_result.set_successful(return_value)
            elif requeue:
                DBTaskResult.objects.filter(pk=db_task_result.pk).update(
                    status=TaskResultStatus.READY
                )
                logger.warning(
                    "Task %s failed on a database error (%s): queued again.",
                    db_task_result.pk,
                    error,
                )
            else:
                db_task_result.set_failed(error)
            held.delete()
        if error is not None and not requeue:
            jobs.given_up(
                kind,
                db_task_result.task_result.args,
                db_task_result.task_result.kwargs,
                str(error),
            )
        if not requeue:
            try:
                task_finished.send(
                    sender=type(db_task_result.task.get_backend()),
                    task_result=db_task_result.task_result,
                )
            except Exception:
                logger.exception("Task id=%s: a task_finished receiver failed", db_task_result.pk)
