"""One import, measured in a process of its own (run by `bench_import.py`).

    python -m tests.benchmarks.import_worker DATABASE_URL FILE [--parse-only]

Sets up a fresh database at DATABASE_URL (migrated; 1,000 people B00000..B00999), then imports
FILE (an efficiency CSV) twice through `assessments.imports.importing.import_file`, as
`manage.py import_data efficiency FILE` does: the first time every row is new, the second
time every row is unchanged. With --parse-only it only reads and checks the file with the
pure layer (`assessments.imports`), the floor of any import. Prints one JSON object:
seconds, rows and the counts of each run, and the peak memory (resident set) of the process
during each run, above what it held before the run started.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

PEOPLE = 1000


def employee_number(n: int) -> str:
    return f"B{n:05d}"


def resident_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (the peak) of this process, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def reset_peak() -> bool:
    """Start measuring the peak resident set from now (Linux: clear_refs 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def measured(function) -> dict:
    import gc

    gc.collect()
    before = resident_kib("VmRSS")
    reset = reset_peak()
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    peak = resident_kib("VmHWM") if reset else 0
    return {
        "seconds": seconds,
        "rss_before_mib": before / 1024,
        "peak_above_mib": max(0, peak - before) / 1024 if reset else None,
        **result,
    }


def parse_only(path: str) -> dict:
    from assessments.imports.kinds import KINDS, read
    from assessments.imports.readers import open_table

    rows = problems = 0
    with open(path, "rb") as stream:
        table = open_table(Path(path).name, stream)
        for checked in read(KINDS["efficiency"], table):
            rows += 1
            problems += len(checked.problems)
        table.close()
    return {"rows": rows, "problems": problems}


def import_once(path: str) -> dict:
    from assessments.imports.importing import import_file

    with open(path, "rb") as stream:
        batch, outcome = import_file(kind="efficiency", name=Path(path).name, stream=stream)
    return {
        "rows": outcome.rows,
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "problems": outcome.problem_count,
        "state": batch.state if batch else None,
    }


def prepare_database() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    user = get_user_model()
    user.objects.bulk_create([user(username=employee_number(n)) for n in range(PEOPLE)])


def main(argv: list[str]) -> int:
    url, path, *flags = argv
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.benchmarks.settings")
    import django

    django.setup()
    if "--parse-only" in flags:
        out = {"parse": measured(lambda: parse_only(path))}
    else:
        prepare_database()
        out = {"new": measured(lambda: import_once(path))}
        out["unchanged"] = measured(lambda: import_once(path))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
