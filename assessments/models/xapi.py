"""The outbox of xAPI statements: each learning event's statement, written in the transaction
of the event itself, kept until the Learning Record Store has it.

A statement is recorded once (its id is deterministic: `assessments.xapi.statements`), sent
by the task workers, and tried again with a growing delay while the LRS is unreachable or
refuses it; `last_error` says why, on the administrators' page.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class XapiKind(models.TextChoices):
    LESSON_COMPLETED = "lesson-completed", _("Lesson completed")
    ATTEMPT_GRADED = "attempt-graded", _("Quiz attempt graded")
    SESSION_ATTENDED = "session-attended", _("Session attended")
    DRILL_SCORED = "drill-scored", _("Drill scored")
    CERTIFICATE_EARNED = "certificate-earned", _("Certificate earned")
    CERTIFICATE_REVOKED = "certificate-revoked", _("Certificate revoked (earning voided)")


class XapiStatement(models.Model):
    statement_id = models.UUIDField(_("statement id"), unique=True)
    kind = models.CharField(_("event"), max_length=32, choices=XapiKind.choices)
    person = models.CharField(_("employee number"), max_length=150)
    payload = models.JSONField(_("statement"))
    created_at = models.DateTimeField(_("recorded"), db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"))

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        ordering = ["created_at", "pk"]
        indexes = [
            # The sender's question: what is unsent and due, oldest first.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(sent_at__isnull=True),
                name="xapi_statement_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.statement_id}"
