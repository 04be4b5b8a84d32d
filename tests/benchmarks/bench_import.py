"""Importing a 1,000,000-row efficiency file, on SQLite and on PostgreSQL.

The file is what a courier company's dispatch system exports for a quarter and more: one row
per person and day (1,000 people, 1,000 days), Chinese headers, UTF-8, every measure filled
in (57 MB). Each database starts empty but for its 1,000 people; the file is then imported
twice, the way `manage.py import_data efficiency FILE` does it (checked, compared with what is
stored, written in one transaction): first every row is new, then every row is unchanged.
Each import runs in a process of its own (`import_worker.py`), which also reports the peak of
its resident memory above what it held before the import began: at most the page cache of
the register of keys already seen (32 MiB, on disk beyond that) and a chunk of rows or two,
whatever the file's size; the same import of the file's first 100,000 rows is shown beside.
The comparison is reading and checking the same file with the pure layer alone, without a
database: the floor of any import.

SQLite is a file in a temporary folder; PostgreSQL is a database of its own beside the
benchmark's (`<name>_import_big` and `_small`, dropped and recreated).

Target: 20,000 rows/s or more, in bounded memory.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.benchmarks.harness import ROOT, Context, Row

TITLE = "Imports: a 1,000,000-row efficiency file"

ROWS = 1_000_000
SMALL = 100_000
PEOPLE = 1000
TARGET = 20_000  # rows per second
# What an import may hold whatever the file's size: the page cache of its register of the
# keys seen (assessments/imports/keys.py, 32 MiB) and a chunk of rows or two.
MEMORY_BOUND_MIB = 48.0
SEED = 2026


def write_file(path: Path, rows: int) -> None:
    """An efficiency file of `rows` rows: each day, every person, in the Chinese template."""
    from assessments.imports.kinds import KINDS
    from tests.benchmarks.import_worker import employee_number

    columns = KINDS["efficiency"].columns
    rng = random.Random(SEED)
    start = datetime.date(2023, 1, 1)
    pairs = [
        ("pickups", "pickups_on_time"),
        ("deliveries", "deliveries_on_time"),
        ("queries", "queries_on_time"),
        ("exceptions", "exceptions_on_time"),
        ("items_handled", "errors"),
    ]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([column.zh for column in columns])
        for n in range(rows):
            day = (start + datetime.timedelta(days=n // PEOPLE)).isoformat()
            values = {
                "employee_number": employee_number(n % PEOPLE),
                "period_start": day,
                "period_end": day,
            }
            for total, part in pairs:
                count = rng.randint(5, 80)
                values[total] = count
                values[part] = rng.randint(0, 3) if part == "errors" else rng.randint(0, count)
            writer.writerow([values.get(column.key, "") for column in columns])


def worker(url: str, path: Path, private: str, *flags: str) -> dict:
    env = {**os.environ, "PRIVATE_ROOT": private}
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.import_worker", url, str(path), *flags],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the import worker failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def on_postgresql() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def fresh_postgresql(suffix: str) -> str:
    """The URL of a new, empty database beside the benchmark's own, on the same server."""
    import psycopg
    from django.conf import settings
    from psycopg import sql

    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_{suffix}"
    server = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
    }
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as conn:
        identifier = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(identifier))
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _per_second(run: dict) -> float:
    return run["rows"] / run["seconds"] if run["seconds"] else 0.0


def _checked(run: dict, rows: int, **counts: int) -> None:
    assert run["problems"] == 0, f"the benchmark file has {run['problems']} problems"
    assert run["rows"] == rows, f"{run['rows']:,} rows read of {rows:,}"
    for name, expected in counts.items():
        assert run[name] == expected, f"{name}: {run[name]:,}, expected {expected:,}"


def run(ctx: Context) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="lms-bench-import-") as folder:
        folder = Path(folder)
        big, small = folder / "efficiency-1m.csv", folder / "efficiency-100k.csv"
        ctx.log(f"Writing a {ROWS:,}-row efficiency file...")
        write_file(big, ROWS)
        write_file(small, SMALL)
        ctx.facts["import file"] = (
            f"{ROWS:,} rows, {big.stat().st_size / 1e6:.0f} MB (UTF-8 CSV, Chinese headers)"
        )
        ctx.log("Reading and checking it without a database...")
        parse = worker("sqlite:///" + str(folder / "unused.sqlite3"), big, "", "--parse-only")
        parsed = parse["parse"]
        _checked(parsed, ROWS)
        floor = _per_second(parsed)

        databases = [("SQLite", lambda name: f"sqlite:///{folder / name}.sqlite3")]
        if on_postgresql():
            databases.append(("PostgreSQL", lambda name: fresh_postgresql(f"import_{name}")))
        for label, url in databases:
            private = str(folder / f"private-{label}")
            ctx.log(f"Importing {ROWS:,} rows into {label}, twice...")
            result = worker(url("big"), big, private)
            ctx.log(f"Importing {SMALL:,} rows into {label}, twice...")
            smaller = worker(url("small"), small, private)
            _checked(result["new"], ROWS, created=ROWS)
            _checked(result["unchanged"], ROWS, unchanged=ROWS)
            _checked(smaller["new"], SMALL, created=SMALL)
            for step, words in (("new", "every row new"), ("unchanged", "every row unchanged")):
                speed = _per_second(result[step])
                rows.append(
                    Row(
                        f"import {ROWS:,} efficiency rows, {words}: {label}",
                        speed,
                        "rows/s",
                        target=f"≥ {TARGET:,} rows/s",
                        met=speed >= TARGET,
                        comparison=f"{result[step]['seconds']:.0f} s; reading and checking "
                        f"alone: {floor:,.0f} rows/s",
                    )
                )
            peak = max(result["new"]["peak_above_mib"], result["unchanged"]["peak_above_mib"])
            small_peak = smaller["new"]["peak_above_mib"]
            rows.append(
                Row(
                    f"import {ROWS:,} rows: peak memory above the process's start, {label}",
                    peak,
                    "MiB",
                    target=f"≤ {MEMORY_BOUND_MIB:.0f} MiB, whatever the size",
                    met=peak <= MEMORY_BOUND_MIB,
                    comparison=f"{SMALL:,} rows: {small_peak:.1f} MiB; the process held "
                    f"{result['new']['rss_before_mib']:.0f} MiB before",
                )
            )
    return rows
