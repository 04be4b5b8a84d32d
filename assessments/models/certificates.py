"""Certificates: course completion and cycle assessment.

- A `CertificateTemplate` is what HR and administrators edit in the admin: the wording in
  Chinese and English, the layout, the issuing company's name and seal, the logo and the
  signature, and how long a certificate
  of its kind stays valid. The active template of a kind is used for new certificates;
  each certificate keeps the template it was rendered with.
- A `Certificate` is issued once: a readable serial number (per year and kind, from a
  `SerialCounter` row locked while the number is taken), a verification code nobody can
  guess, an optional expiry date, a snapshot of what it says (`content`: the name, the
  course or the cycle and its five parts, as they were when issued), the issuing company's
  name and seal copied from its template when issued (a later edit of the template changes
  no certificate issued before), and its PDF, rendered once in the background and kept in
  private storage with its SHA-256. `printed_at` is when it was last in a printout.
- Revoking keeps the record (when, who, why); re-issuing makes a new certificate with a new
  serial and links the old one to it (`superseded_by`), revoked with the reason given.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models.cycles import AssessmentCycle
from lms.platform.files import private_storage


class CertificateKind(models.TextChoices):
    COURSE = "course", _("Course completion")
    CYCLE = "cycle", _("Cycle assessment")


# The letter of a kind in a serial number: 2026-A-000123 is an assessment certificate.
SERIAL_LETTERS = {CertificateKind.COURSE: "C", CertificateKind.CYCLE: "A"}


class CertificateLayout(models.TextChoices):
    LANDSCAPE = "landscape", _("A4 landscape")
    PORTRAIT = "portrait", _("A4 portrait")


class CertificateStatus(models.TextChoices):
    """What the verification page says of a certificate."""

    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class CertificateTemplate(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(
        _("used for new certificates"),
        default=True,
        help_text=_("One template of each kind is active; activating one retires the other."),
    )
    layout = models.CharField(
        _("layout"),
        max_length=16,
        choices=CertificateLayout.choices,
        default=CertificateLayout.LANDSCAPE,
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=100, blank=True)
    body_zh = models.TextField(
        _("wording (Chinese)"),
        help_text=_(
            "Placeholders: {name}, {employee_number}, {org_unit}, {course}, {cycle}, "
            "{grade}, {overall}, {issued_on}, {expires_on}."
        ),
    )
    body_en = models.TextField(_("wording (English)"), blank=True)
    issuer_name = models.CharField(
        _("issuing company"),
        max_length=100,
        blank=True,
        help_text=_("The company's name as printed on the certificate and the verification page."),
    )
    seal = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("company seal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A PNG with a transparent background, printed over the issuer's name."),
    )
    signatory_name = models.CharField(_("signed by"), max_length=100, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=100, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valid_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: certificates of this kind do not expire."),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["kind", "-active", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(active=True), name="one_active_template_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name}"


class SerialCounter(models.Model):
    """The last serial number taken for a year and kind (locked while a number is taken)."""

    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=CertificateKind.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="one_counter_per_year_kind")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind}: {self.last}"


class Certificate(models.Model):
    serial = models.CharField(_("serial number"), max_length=32, unique=True)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cycle = models.ForeignKey(
        AssessmentCycle,
        verbose_name=_("cycle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    # What the certificate says, as it was when issued: name, employee number, org unit,
    # the course title or the cycle's name, window, parts, grade (plain JSON).
    content = models.JSONField(_("content"), default=dict)
    template = models.ForeignKey(
        CertificateTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="+"
    )
    # The issuer as the template named it when the certificate was issued.
    issuer_name = models.CharField(_("issuing company"), max_length=100, blank=True)
    seal = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("company seal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_on = models.DateField(_("expires"), null=True, blank=True, db_index=True)
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to="certificates", blank=True, max_length=200
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    # When it was last joined into a printout (at once or by a print job); None: never.
    printed_at = models.DateTimeField(_("last printed"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason"), max_length=500, blank=True)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("re-issued as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    # Reminders sent before the expiry date (so that each goes once).
    reminded_at = models.DateTimeField(_("expiry reminder sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=CertificateKind.COURSE, course__isnull=False, cycle__isnull=True)
                    | Q(kind=CertificateKind.CYCLE, cycle__isnull=False, course__isnull=True)
                ),
                name="certificate_kind_matches_subject",
            ),
            # One certificate in force per person and cycle (a course's can be earned again
            # once the last one has expired, so that rule is the issuing service's).
            models.UniqueConstraint(
                fields=["user", "cycle"],
                condition=Q(revoked_at__isnull=True, cycle__isnull=False),
                name="one_cycle_certificate_in_force",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "revoked_at"]),
            models.Index(fields=["user", "course"]),
            # HR's "to print": in force, rendered, never printed (the home page's count).
            models.Index(
                fields=["expires_on"],
                condition=Q(revoked_at__isnull=True, printed_at__isnull=True),
                name="certificate_to_print",
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    def status(self, today=None) -> CertificateStatus:
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        today = today or timezone.localdate()
        if self.expires_on is not None and self.expires_on < today:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID
