"""The audit log: who did what, when, from where, to which object."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "auth.login", _("Signed in")
    LOGIN_FAILED = "auth.login_failed", _("Sign-in failed")
    LOGOUT = "auth.logout", _("Signed out")
    PASSWORD_CHANGED = "auth.password_changed", _("Password changed")
    PASSWORD_RESET = "auth.password_reset", _("Password reset")
    MFA_ADDED = "mfa.added", _("Second factor added")
    MFA_REMOVED = "mfa.removed", _("Second factor removed")
    MFA_RECOVERY_CODES_RESET = "mfa.reset", _("Recovery codes regenerated")
    ROLE_ADDED = "role.added", _("Role granted")
    ROLE_REMOVED = "role.removed", _("Role withdrawn")
    STAFF_CREATED = "staff.created", _("Staff account created")
    STAFF_UPDATED = "staff.updated", _("Staff profile changed")
    STAFF_LEFT = "staff.left", _("Staff marked as left")
    STAFF_INVITED = "staff.invited", _("Set-password link sent")
    ORG_UNIT_CREATED = "org.created", _("Org unit added")
    ORG_ROBOTS_CHANGED = "org.robots_changed", _("Org unit's group robots changed")
    ORG_ROBOT_TESTED = "org.robot_tested", _("Test message sent to a group robot")
    COURSE_ASSIGNED = "course.assigned", _("Course assigned")
    COURSE_ASSIGNMENT_CANCELLED = "course.unassigned", _("Course assignment cancelled")
    ANSWER_GRADED = "quiz.graded", _("Answer graded by hand")
    QUESTION_REGRADED = "quiz.regraded", _("Past attempts regraded")
    DATA_IMPORTED = "data.imported", _("Data imported")
    CYCLE_POLICY_CHANGED = "assessment.policy", _("Cycle moved to another policy version")
    APPEAL_RAISED = "assessment.appeal", _("Assessment questioned")
    APPEAL_ANSWERED = "assessment.answer", _("Appeal answered")
    CERTIFICATE_ISSUED = "certificate.issued", _("Certificate issued")
    CERTIFICATE_PRINTED = "certificate.printed", _("Certificates printed")
    CERTIFICATE_DOWNLOADED = "certificate.downloaded", _("Certificate downloaded")
    CERTIFICATE_REVOKED = "certificate.revoked", _("Certificate revoked")
    CERTIFICATE_REISSUED = "certificate.reissued", _("Certificate re-issued")
    JOB_RETRIED = "job.retried", _("Background job started again")
    JOB_CANCELLED = "job.cancelled", _("Background job cancelled")
    PERSONAL_VIEWED = "personal.viewed", _("Personal data viewed")
    PERSONAL_EXPORTED = "personal.exported", _("Personal data exported")
    TOKEN_CREATED = "token.created", _("Integration token created")
    TOKEN_ROTATED = "token.rotated", _("Integration token's secret renewed")
    TOKEN_REVOKED = "token.revoked", _("Integration token revoked")
    API_CALLED = "api.called", _("API called")


class PersonalRecord(models.TextChoices):
    """What kind of personal data an event of `personal.viewed` or `personal.exported` was
    about (kept in its details as "record")."""

    STAFF = "staff", _("Staff record")
    RESULT = "result", _("Assessment result and explanation")
    RESULTS = "results", _("Assessment results of a cycle")
    APPEAL = "appeal", _("Appeal")
    ATTEMPT = "attempt", _("Quiz answer")
    QUIZ_RESULTS = "quiz_results", _("Quiz results")
    PROGRESS = "progress", _("Learning progress")
    DRILL = "drill", _("Drill result")
    DRILL_EVIDENCE = "drill_evidence", _("Drill evidence")
    MY_DATA = "my_data", _("Copy of one's personal data")
    IMPORT_PROBLEMS = "import_problems", _("Problems found in an imported file")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality acknowledgements")


class AuditEvent(models.Model):
    """One thing that happened. Rows are only ever added."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(
        _("who (as recorded)"),
        max_length=150,
        blank=True,
        help_text=_("The identifier given, kept even when no account matches it."),
    )
    action = models.CharField(_("what"), max_length=40, choices=AuditAction.choices, db_index=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # the (subject, at) index below serves it
        verbose_name=_("whose"),
    )
    subject_label = models.CharField(
        _("whose (as recorded)"),
        max_length=150,
        blank=True,
        help_text=_("The person whose data it was, kept even when their account goes."),
    )
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["subject", "at"], name="lms_audit_subject_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

    @property
    def record_label(self) -> str:
        """What kind of personal data a personal.* event was about, in words."""
        value = (self.details or {}).get("record")
        try:
            return str(PersonalRecord(value).label) if value else ""
        except ValueError:
            return value
