"""Rows given as data (the API's JSON) as the CSV file the import reads. Pure.

    data, lines = rows_csv([{"employee_number": "E1", "full_name": "王喆", ...}, ...])

Each row is a mapping from a column's header (any header a file may use: the English or
Chinese name, or an alias) to its cell. The columns are the keys in the order they first
appear; a row without a key another row has leaves that cell empty, and a key no row has is
a column the file doesn't have (so an optional column left out keeps what is stored, as in
a file). Cells: text as it is, numbers as written, true/false, null for an empty cell.

The file is then checked and imported by `importing`, line by line as a file HR uploads, so
that the rows get exactly the file's checks and the file's problems. `lines` gives the line
each row starts on (the header is line 1), for saying which row a problem is about.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

_LINE_END = re.compile(r"\r\n|\r|\n")


def cell_text(value: object) -> str:
    """A JSON value as the text of a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, int | Decimal | str):
        return str(value)
    raise TypeError(f"a cell can't hold {type(value).__name__}")


def rows_csv(rows: Sequence[Mapping[str, object]]) -> tuple[bytes, list[int]]:
    """The rows as UTF-8 CSV, and the line each row starts on."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    headers = list(columns)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    lines = []
    line = 1 + sum(len(_LINE_END.findall(h)) for h in headers) + 1
    for row in rows:
        cells = [cell_text(row.get(header)) for header in headers]
        writer.writerow(cells)
        lines.append(line)
        line += 1 + sum(len(_LINE_END.findall(cell)) for cell in cells)
    return out.getvalue().encode(), lines
