"""A person's certificates in the copy of their own data (`lms.personal_data`): the list,
and each stored PDF as it was issued."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models.certificates import Certificate
from lms.personal_data import StoredFile, Table


def certificates_section(user) -> list[Table | StoredFile]:
    today = timezone.localdate()
    certificates = list(
        Certificate.objects.filter(user=user)
        .select_related("course", "cycle")
        .order_by("issued_at", "pk")
    )
    return [
        Table(
            "certificates",
            _("Certificates"),
            [
                ("serial", _("Serial number")),
                ("kind", _("Kind")),
                ("course", _("Course")),
                ("cycle", _("Cycle")),
                ("issued_at", _("Issued")),
                ("expires_on", _("Expires")),
                ("status", _("Status")),
                ("revoked_at", _("Revoked")),
                ("revoke_reason", _("Reason")),
                ("pdf", _("PDF")),
            ],
            [
                {
                    "serial": c.serial,
                    "kind": c.get_kind_display(),
                    "course": c.course.title if c.course else "",
                    "cycle": c.cycle.name if c.cycle else "",
                    "issued_at": c.issued_at,
                    "expires_on": c.expires_on,
                    "status": c.status(today).label,
                    "revoked_at": c.revoked_at,
                    "revoke_reason": c.revoke_reason,
                    "pdf": _pdf_path(c) if c.pdf else "",
                }
                for c in certificates
            ],
        ),
        *(StoredFile(_pdf_path(c), _reader(c)) for c in certificates if c.pdf),
    ]


def _pdf_path(certificate: Certificate) -> str:
    return f"certificates/{certificate.serial}.pdf"


def _reader(certificate: Certificate):
    def read() -> bytes:
        with certificate.pdf.open("rb") as handle:
            return handle.read()

    return read
