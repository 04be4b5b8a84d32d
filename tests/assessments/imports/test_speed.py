"""Reading stays in bounded memory whatever the file's size; and, run by hand, how fast
parsing and checking a large efficiency file is:

    .venv/bin/python -m tests.assessments.imports.test_speed [rows]   # 1,000,000 by default

The benchmark writes the file to /tmp once, then reports rows per second for reading
alone, for parsing and checking, and for that plus the duplicate-key registry, with
the peak memory Python allocates for each (a second, traced run); then the same for a
100,000-row XLSX workbook. The whole import must reach 20,000 rows/s with its database
writes, so parsing and checking alone should stay at 60,000 rows/s or more.
"""

from __future__ import annotations

import io
import random
import sys
import time
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

from assessments.imports.keys import KeyRegistry, mark_duplicates
from assessments.imports.kinds import KINDS, read
from assessments.imports.readers import open_table

HEADER = (
    "工号,开始日期,结束日期,揽收数,按时揽收数 (2小时内),派送数,按时派送数 (24小时内),"
    "咨询数,5分钟内回复数,异常件数,2小时内联系数,处理件数,差错数"
)


def efficiency_csv(rows: int, path: Path | None = None) -> bytes | None:
    """An efficiency file of `rows` rows, couriers and customer-service agents mixed, in
    UTF-8 with a BOM as Excel saves it; written to `path` if given."""
    generator = random.Random(rows)
    out = path.open("w", encoding="utf-8-sig", newline="") if path else io.StringIO()
    out.write(HEADER + "\r\n")
    for number in range(rows):
        errors = generator.randint(0, 5)
        exceptions = generator.randint(0, 20)
        contacted = exceptions - generator.randint(0, exceptions)
        if number % 3 == 2:
            queries = generator.randint(200, 900)
            answered = queries - generator.randint(0, 30)
            line = f",,,,{queries},{answered},{exceptions},{contacted},{queries},{errors}"
        else:
            pickups = generator.randint(50, 200)
            deliveries = generator.randint(200, 600)
            measures = (
                pickups,
                pickups - generator.randint(0, 10),
                deliveries,
                deliveries - generator.randint(0, 20),
            )
            line = ",".join(map(str, measures))
            line += f",,,{exceptions},{contacted},{pickups + deliveries},{errors}"
        out.write(f"E{number:07d},2026-10-01,2026-10-31,{line}\r\n")
    if path:
        out.close()
        return None
    return out.getvalue().encode("utf-8-sig")


def _peak_while_reading(data: bytes) -> tuple[int, int]:
    kind = KINDS["efficiency"]
    tracemalloc.start()
    try:
        count = sum(1 for _row in read(kind, open_table("data.csv", io.BytesIO(data))))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_file():
    small, large = efficiency_csv(1_000), efficiency_csv(15_000)
    small_count, small_peak = _peak_while_reading(small)
    large_count, large_peak = _peak_while_reading(large)
    assert (small_count, large_count) == (1_000, 15_000)
    # The bytes of the file are the caller's; what reading adds stays the same.
    assert large_peak < small_peak + 1_000_000


# The benchmark, by hand -----------------------------------------------------------------


def _run(label: str, path: Path, rows: int, action) -> None:
    for traced in (False, True):
        if traced:
            tracemalloc.start()
        started, cpu = time.perf_counter(), time.process_time()
        with path.open("rb") as stream:
            count = action(open_table(path.name, stream))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        if traced:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"    peak traced memory: {peak / 2**20:.1f} MiB")
        else:
            assert count == rows, count
            print(
                f"{label}: {count:,} rows in {wall:.1f} s wall, {cpu:.1f} s CPU: "
                f"{count / wall:,.0f} rows/s ({count / cpu:,.0f} per CPU second), "
                f"{wall / count * 1e6:.1f} µs a row"
            )


def efficiency_xlsx(rows: int, path: Path) -> None:
    """The same file as a workbook, with real date and number cells."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    text = efficiency_csv(rows).decode("utf-8-sig").splitlines()
    sheet.append(text[0].split(","))
    start, end = date(2026, 10, 1), date(2026, 10, 31)
    for line in text[1:]:
        cells = line.split(",")
        sheet.append([cells[0], start, end, *(int(cell) if cell else None for cell in cells[3:])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # A write-only workbook doesn't record its size, which Excel always does; without it
    # openpyxl reads the whole sheet once just to find it.
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                size = f'<dimension ref="A1:M{rows + 1}"/>'.encode()
                content = content.replace(b"<sheetViews>", size + b"<sheetViews>", 1)
            target.writestr(item, content, zipfile.ZIP_DEFLATED)


def main(rows: int) -> None:
    import resource

    start_up = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
    print(f"max RSS after start-up: {start_up} MiB")
    path = Path(f"/tmp/lms-efficiency-{rows}.csv")
    if not path.exists():
        efficiency_csv(rows, path)
    print(f"{path}: {path.stat().st_size / 2**20:.0f} MiB")
    kind = KINDS["efficiency"]

    def rows_only(table):
        return sum(1 for _row in table.rows())

    def parse_and_check(table):
        return sum(1 for checked in read(kind, table) if checked.record is not None)

    def with_keys(table):
        with KeyRegistry() as registry:
            checked = mark_duplicates(kind, read(kind, table), registry)
            return sum(1 for row in checked if row.record is not None)

    _run("read rows", path, rows, rows_only)
    _run("parse + check", path, rows, parse_and_check)
    _run("parse + check + duplicate keys", path, rows, with_keys)
    workbook_rows = min(rows, 100_000)
    workbook = Path(f"/tmp/lms-efficiency-{workbook_rows}.xlsx")
    if not workbook.exists():
        efficiency_xlsx(workbook_rows, workbook)
    print(f"{workbook}: {workbook.stat().st_size / 2**20:.0f} MiB")
    _run("XLSX: parse + check", workbook, workbook_rows, parse_and_check)
    print(f"max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10} MiB")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")
    django.setup()
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
