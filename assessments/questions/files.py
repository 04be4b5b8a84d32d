"""Question files in and out, by kind: GIFT, Moodle XML, CSV or XLSX. Pure: bytes in, plain
data out."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from assessments.questions import gift, moodle_xml, spreadsheet
from assessments.questions.data import Question
from assessments.questions.problems import (
    DEFAULT_LIMITS,
    Limits,
    Parsed,
    Problem,
    QuestionImportError,
)

KINDS = {".gift": "gift", ".txt": "gift", ".xml": "xml", ".csv": "csv", ".xlsx": "xlsx"}


CONTENT_TYPES = {
    "gift": "text/plain; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


EXTENSIONS = {"gift": "gift", "xml": "xml", "csv": "csv", "xlsx": "xlsx"}


def kind_of(filename: str) -> str | None:
    name = filename.lower()
    return next((kind for ext, kind in KINDS.items() if name.endswith(ext)), None)


def read(filename: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> list[Question]:
    """The questions of a file, or QuestionImportError listing every problem in it."""
    return read_file(filename, data, limits=limits).questions


def read_file(filename: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """The questions of a file and what it was right to skip (Moodle's descriptions), or
    QuestionImportError listing every problem in it."""
    kind = kind_of(filename)
    if kind is None:
        raise QuestionImportError(
            [
                Problem(
                    0,
                    _(
                        "Question files are GIFT (.gift, .txt), Moodle XML (.xml), CSV (.csv) "
                        "or Excel (.xlsx)."
                    ),
                )
            ]
        )
    if kind == "gift":
        return gift.parse_file(data, limits=limits)
    if kind == "xml":
        return moodle_xml.parse_file(data, limits=limits)
    if kind == "csv":
        return Parsed(spreadsheet.parse_csv(data, limits=limits))
    return Parsed(spreadsheet.parse_xlsx(data, limits=limits))


def write(questions: Iterable[Question], kind: str, language: str = "zh") -> bytes:
    if kind == "gift":
        return gift.write(questions).encode("utf-8")
    if kind == "xml":
        return moodle_xml.write(questions)
    if kind == "csv":
        return spreadsheet.write_csv(questions, language)
    if kind == "xlsx":
        return spreadsheet.write_xlsx(questions, language)
    raise ValueError(f"unknown kind {kind!r}")
