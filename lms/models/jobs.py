"""The lease of a background job held by a task worker (`lms.platform.jobs`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class JobLease(models.Model):
    """A running task's lease: the worker holding it renews `expires_at` while it works; a
    lease that ran out means the worker is gone (killed, machine lost) and the job is taken up
    again or given up (`lms.platform.jobs.recover`). Removed when the task's outcome is
    recorded. The task's attempts are its `worker_ids` (one per claim)."""

    task = models.OneToOneField(
        DBTaskResult,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="lease",
        verbose_name=_("task"),
    )
    worker_id = models.CharField(_("worker"), max_length=64)
    taken_at = models.DateTimeField(_("taken"))
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("job lease")
        verbose_name_plural = _("job leases")

    def __str__(self) -> str:
        return f"{self.task_id} ({self.worker_id})"
