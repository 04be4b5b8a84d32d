"""Tables out as CSV or XLSX, safe to open in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage return)
would run as a formula in Excel or WPS; such text cells get a leading
apostrophe, as OWASP recommends. Numbers, dates and times stay typed.
CSV is written in UTF-8 with a byte-order mark, which Chinese Excel needs
to read it as UTF-8.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """`value` as a spreadsheet cell that cannot run as a formula."""
    if value is None:
        return ""
    if isinstance(value, (int, float, datetime.date)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    def lines():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([safe_cell(h) for h in headers])
        for row in rows:
            yield writer.writerow([_csv_text(safe_cell(v)) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _csv_text(value):
    if isinstance(value, datetime.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence], title: str):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([safe_cell(h) for h in headers])
    for row in rows:
        sheet.append([_xlsx_value(safe_cell(v)) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _xlsx_value(value):
    if isinstance(value, datetime.datetime):
        return _local(value)
    return value


def _local(value: datetime.datetime) -> datetime.datetime:
    """A naive local time: spreadsheets have no time zones."""
    from django.utils import timezone

    if value.tzinfo is not None:
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def table_response(fmt: str, filename: str, headers, rows, title: str = "Sheet1"):
    if fmt == "xlsx":
        return xlsx_response(filename, headers, rows, title)
    return csv_response(filename, headers, rows)
