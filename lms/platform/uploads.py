"""One guard for every uploaded file: bounded in bytes, in what it unpacks to, in rows and in
time, and refused with a clear translated message before any work is queued for it.

    check_upload(file, kind)    # in a form's clean_<field> or a service, before the work
                                # is queued: ValidationError (translated) if `file` is too
                                # large for `kind`; the file is left at its start
    budget = Budget(kind)       # in the worker, while reading the file's rows:
    budget.check(rows)          # ValidationError, code "too_many_rows" or "too_slow"
                                # (params "max" / "seconds") once a bound is passed

The kinds: "import" (HR's data files), "questions" (the question bank's GIFT, CSV and XLSX
files), "evidence" (drill evidence), "image" and "document" (Wagtail's; their forms are
wired in the settings: WAGTAILIMAGES_MAX_UPLOAD_SIZE, WAGTAILDOCS_DOCUMENT_FORM_BASE).

The bounds are settings, each a dictionary by kind, read from the environment in
lms/settings/base.py (a kind missing from one has no such bound):

    LMS_UPLOAD_MAX_BYTES            the file as uploaded
    LMS_UPLOAD_MAX_UNPACKED_BYTES   a ZIP-based file (XLSX, DOCX, PPTX, ZIP): the sum of its
                                    members' sizes, uncompressed, read from the central
                                    directory without unpacking anything
    LMS_UPLOAD_MAX_RATIO            (one number) how many times its compressed size a
                                    member may unpack to: a 600 KB XLSX of 200,000 rows
                                    unpacks to 155 MB of XML
    LMS_UPLOAD_MAX_ROWS             rows read from the file, counted while reading
    LMS_UPLOAD_MAX_SECONDS          wall time of the reading and checking in the worker
"""

from __future__ import annotations

import struct
import time
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm

KINDS = ("import", "questions", "evidence", "image", "document")
MAX_MEMBERS = 10_000  # a ZIP-based file of more parts is not an office file
RATIO_FLOOR = 1 << 20  # members smaller than this unpacked are not held to the ratio
_ZIP = b"PK\x03\x04"
_END = b"PK\x05\x06"  # the end of the central directory


def check_upload(file, kind: str) -> None:
    """Refuse `file` (an uploaded file, or any binary file object) if it is larger than
    `kind` allows, as uploaded or unpacked: ValidationError with a translated message."""
    if kind not in KINDS:
        raise ValueError(f"unknown upload kind: {kind}")
    size = _size(file)
    limit = settings.LMS_UPLOAD_MAX_BYTES.get(kind)
    if limit is not None and size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed here is %(max)s."),
            code="too_large",
            params={"size": filesizeformat(size), "max": filesizeformat(limit)},
        )
    try:
        file.seek(0)
        if file.read(len(_ZIP)) == _ZIP:
            _check_zip(file, kind, size)
    finally:
        file.seek(0)


def largest_allowed(kind: str) -> str:
    """The largest file `kind` allows, as a person reads a size ("10.0 MB")."""
    return filesizeformat(settings.LMS_UPLOAD_MAX_BYTES[kind])


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return size
    file.seek(0, 2)
    return file.tell()


def _check_zip(file, kind: str, size: int) -> None:
    """Bound a ZIP-based file by its central directory: members, sizes, ratios."""
    damaged = ValidationError(
        _("The file is damaged: its contents can't be listed. Save it again and upload that."),
        code="damaged",
    )
    members = _members(file, size)
    if members is None:
        raise damaged
    if members > MAX_MEMBERS:
        raise ValidationError(
            _("The file is made of more than %(max)s parts; it can't be read safely."),
            code="too_many_parts",
            params={"max": MAX_MEMBERS},
        )
    file.seek(0)
    try:
        infos = zipfile.ZipFile(file).infolist()  # the central directory only
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise damaged from None
    except (NotImplementedError, struct.error):  # a version of ZIP no office program writes
        raise damaged from None
    ratio = settings.LMS_UPLOAD_MAX_RATIO
    for info in infos:
        if info.file_size >= RATIO_FLOOR and info.file_size > ratio * max(info.compress_size, 1):
            raise ValidationError(
                _(
                    "The file is packed too tightly to be read safely: a part of it unpacks "
                    "to %(size)s, more than %(ratio)s times its packed size. Save it again, "
                    "or split it into smaller files."
                ),
                code="too_compressed",
                params={"size": filesizeformat(info.file_size), "ratio": ratio},
            )
    unpacked = sum(info.file_size for info in infos)
    limit = settings.LMS_UPLOAD_MAX_UNPACKED_BYTES.get(kind)
    if limit is not None and unpacked > limit:
        raise ValidationError(
            _(
                "Unpacked, the file is %(size)s; the largest allowed here is %(max)s. "
                "Split it into smaller files."
            ),
            code="too_large_unpacked",
            params={"size": filesizeformat(unpacked), "max": filesizeformat(limit)},
        )


def _members(file, size: int) -> int | None:
    """The number of members the end of the central directory records (without reading
    the directory itself, which a hostile file can make as large as itself); None when
    there is no such record."""
    tail = min(size, (1 << 16) + 22)  # the record, and a comment of up to 64 KB
    file.seek(size - tail)
    data = file.read(tail)
    at = data.rfind(_END)
    if at < 0 or len(data) < at + 22:
        return None
    (members,) = struct.unpack("<H", data[at + 10 : at + 12])
    return MAX_MEMBERS + 1 if members == 0xFFFF else members  # ZIP64: never an office file


class Budget:
    """The rows and the wall time that the reading of one file may take in the worker, by
    its kind; `check` as the rows are read."""

    def __init__(self, kind: str, *, clock=time.monotonic):
        if kind not in KINDS:
            raise ValueError(f"unknown upload kind: {kind}")
        self.max_rows = settings.LMS_UPLOAD_MAX_ROWS.get(kind)
        self.max_seconds = settings.LMS_UPLOAD_MAX_SECONDS.get(kind)
        self.clock = clock
        self.started = clock()

    def check(self, rows: int) -> None:
        """ValidationError once more than the allowed rows are read or the time is up."""
        if self.max_rows is not None and rows > self.max_rows:
            raise ValidationError(
                _("The file has more than %(max)s rows; split it into smaller files."),
                code="too_many_rows",
                params={"max": self.max_rows},
            )
        if self.max_seconds is not None and self.clock() - self.started > self.max_seconds:
            raise ValidationError(
                _(
                    "Reading the file took longer than %(seconds)s seconds, the most allowed; "
                    "split it into smaller files."
                ),
                code="too_slow",
                params={"seconds": self.max_seconds},
            )


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, with the guard (WAGTAILDOCS_DOCUMENT_FORM_BASE)."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            check_upload(upload, "document")
        return upload
