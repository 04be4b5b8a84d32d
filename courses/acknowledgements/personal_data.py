"""A person's confidentiality acknowledgements in the copy of their own data
(`lms.personal_data`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from courses.models.acknowledgements import Acknowledgement
from lms.personal_data import Table


def acknowledgements_section(user) -> list[Table]:
    rows = Acknowledgement.objects.filter(user=user).order_by("acknowledged_at", "pk")
    return [
        Table(
            "confidentiality_acknowledgements",
            _("Confidentiality acknowledgements"),
            [
                ("title", _("Title")),
                ("version", _("Version")),
                ("acknowledged_at", _("Acknowledged at")),
                ("ip_address", _("IP address")),
            ],
            [
                {
                    "title": a.title,
                    "version": a.version,
                    "acknowledged_at": a.acknowledged_at,
                    "ip_address": a.ip_address or "",
                }
                for a in rows
            ],
        )
    ]
