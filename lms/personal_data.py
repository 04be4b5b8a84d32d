"""A copy of one person's own data, as one ZIP file they can download (and give to HR or a
regulator): `data.json` with everything, a CSV file per kind of record for a spreadsheet,
and the stored files themselves (certificates' PDFs).

`lms` cannot import the apps that hold most of the data, so each app registers a section
with `personal_data` when the apps are ready; a section returns the person's tables and
files, and reads only that person's rows.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.platform.exports import safe_cell
from lms.roles import roles_of


@dataclass(frozen=True)
class Table:
    """Rows of one kind of record. `columns` are (key in data.json, heading in the CSV)."""

    name: str  # the CSV's file name, without .csv: lowercase, no spaces
    title: str
    columns: Sequence[tuple[str, Any]]
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class StoredFile:
    """A file kept for the person (a certificate's PDF), copied into the archive as it is."""

    path: str  # inside the archive, e.g. certificates/2026-C-000001.pdf
    read: Callable[[], bytes]


Section = Callable[[Any], Sequence[Table | StoredFile]]


@dataclass(frozen=True)
class _Registered:
    name: str
    section: Section
    order: int


class PersonalDataRegistry:
    def __init__(self):
        self._sections: dict[str, _Registered] = {}

    def register(self, name: str, section: Section, *, order: int = 50) -> None:
        self._sections[name] = _Registered(name, section, order)

    def names(self) -> list[str]:
        return [r.name for r in sorted(self._sections.values(), key=lambda r: r.order)]

    def collect(self, user) -> list[tuple[str, Sequence[Table | StoredFile]]]:
        """Every section's tables and files about `user`, in order."""
        ordered = sorted(self._sections.values(), key=lambda r: r.order)
        return [(r.name, r.section(user)) for r in ordered]


personal_data = PersonalDataRegistry()


README = gettext_lazy(
    "A copy of the personal data this training and assessment system keeps about you.\n"
    "\n"
    "data.json holds everything, in sections; each CSV file holds one kind of record and\n"
    "opens in a spreadsheet (UTF-8). The folders hold the files kept for you, such as\n"
    "certificates.\n"
)


def archive_for(user, *, now: datetime.datetime | None = None) -> tuple[bytes, list[str]]:
    """The ZIP file of `user`'s data, and the names of the sections in it."""
    now = now or timezone.now()
    collected = personal_data.collect(user)
    document: dict[str, Any] = {
        "person": user.get_username(),
        "generated_at": now,
        "sections": {},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", str(README))
        for name, items in collected:
            section: dict[str, Any] = {}
            for item in items:
                if isinstance(item, Table):
                    section[item.name] = {"title": str(item.title), "rows": item.rows}
                    archive.writestr(f"{item.name}.csv", _csv(item))
                else:
                    try:
                        archive.writestr(item.path, item.read())
                    except FileNotFoundError:  # lost from storage: said, not hidden
                        section.setdefault("missing_files", []).append(item.path)
                    else:
                        section.setdefault("files", []).append(item.path)
            document["sections"][name] = section
        archive.writestr(
            "data.json",
            json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
    return buffer.getvalue(), [name for name, _items in collected]


def _csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(str(label)) for _key, label in table.columns])
    for row in table.rows:
        writer.writerow([_text(safe_cell(_plain(row.get(key)))) for key, _label in table.columns])
    return "\ufeff" + out.getvalue()


def _plain(value):
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return float(value)
    return value


def _text(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# The section of lms: the profile, and who has looked at the person's records ---------------


def profile_section(user) -> list[Table]:
    from lms.models.accounts import StaffProfile
    from lms.selectors import access_rows, access_to_records_of

    profile = StaffProfile.objects.select_related("org_unit").filter(user=user).first()
    row = {
        "employee_number": user.get_username(),
        "full_name": profile.full_name if profile else user.get_full_name(),
        "email": user.email,
        "phone": profile.phone if profile else "",
        "org_unit": " / ".join(profile.org_unit.full_path_names()) if profile else "",
        "position": profile.get_position_display() if profile else "",
        "hire_date": profile.hire_date if profile else None,
        "status": profile.get_status_display() if profile else "",
        "left_on": profile.left_on if profile else None,
        "roles": sorted(str(role.label) for role in roles_of(user)),
        "language": user.language,
        "joined": user.date_joined,
        "last_sign_in": user.last_login,
    }
    profile_table = Table(
        "profile",
        _("Profile"),
        [
            ("employee_number", _("Employee number")),
            ("full_name", _("Full name")),
            ("email", _("E-mail")),
            ("phone", _("Phone")),
            ("org_unit", _("Org unit")),
            ("position", _("Position")),
            ("hire_date", _("Hire date")),
            ("status", _("Status")),
            ("left_on", _("Left on")),
            ("roles", _("Roles")),
            ("language", _("Language")),
            ("joined", _("Account created")),
            ("last_sign_in", _("Last sign-in")),
        ],
        [row],
    )
    access = Table(
        "records_seen_by_others",
        _("Who has seen my records"),
        [
            ("at", _("When")),
            ("name", _("Who")),
            ("employee_number", _("Employee number")),
            ("roles", _("Roles")),
            ("action", _("What")),
            ("record", _("Record")),
            ("about", _("About")),
        ],
        [
            {
                "at": a.at,
                "name": a.name,
                "employee_number": a.employee_number,
                "roles": a.roles,
                "action": a.action,
                "record": a.record,
                "about": a.about,
            }
            for a in access_rows(access_to_records_of(user))
        ],
    )
    return [profile_table, access]
