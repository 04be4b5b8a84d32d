"""Print jobs: many certificates joined into one PDF for the printer.

A large batch (a whole cycle or branch) is joined in the background; its job records who
asked, when, what was chosen (the certificates, in print order, and the filter that chose
them), how far it got, and, once done, the joined PDF in private storage.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.platform.files import private_storage


class PrintJobState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PrintJob(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    # What chose the certificates (cycle, org unit, a selection), as plain JSON for the page
    # and the audit log, and the chosen certificates' ids in print order.
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    certificate_ids = models.JSONField(default=list, blank=True)
    count = models.PositiveIntegerField(_("certificates"), default=0)
    state = models.CharField(
        _("state"), max_length=16, choices=PrintJobState.choices, default=PrintJobState.QUEUED
    )
    percent = models.PositiveSmallIntegerField(_("percent done"), default=0)
    file = models.FileField(
        _("PDF"), storage=private_storage, upload_to="print-jobs", blank=True, max_length=200
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    failure = models.TextField(_("failure"), blank=True)
    # The background task joining the PDF (lms.platform.jobs): the job waits or runs only
    # while that task does.
    task_id = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.count})"

    @property
    def finished(self) -> bool:
        return self.state in (PrintJobState.DONE, PrintJobState.FAILED)
