"""`make bench`: run every benchmark of tests/benchmarks/ and print one table.

    python -m tests.benchmarks.run [--requests 500] [--only learning] [--no-write] ...

The run (re)creates the benchmark database (BENCH_DATABASE_URL, by default PostgreSQL's
`lms_bench` on 127.0.0.1, which is dropped first: never point it at real data), migrates it,
collects the static files into a temporary folder, then runs each module
`tests/benchmarks/bench_*.py` in name order. A module has

    TITLE = "What it measures"
    def run(ctx: harness.Context) -> list[harness.Row]: ...

and takes what it needs from the context: `ctx.dataset` (5,000 staff and 200,000 lesson
completions by default, generated on first use) and `ctx.server` (gunicorn on a free loopback
port, started on first use). The rows of every module make one table (measure, value,
target, comparison), printed and written to tests/benchmarks/RESULTS.md with the date and the
machine. The database is left in place afterwards, for looking at with psql.

Environment: BENCH_DATABASE_URL (see above); BENCH_CACHE_URL (default: Redis db 14 on
127.0.0.1 if it answers, else local memory); CONN_MAX_AGE as in production (default 60: a database
connection kept between requests). `make bench BENCH_ARGS="--requests 200"` passes options.
The cycle benchmark (bench_cycle.py, first in name order) adds its own 50,000 staff and
2,300,000 records to the database, which the others then share; BENCH_CYCLE_STAFF and
BENCH_CYCLE_RUNS make it smaller or shorter, `--only cycle` runs it alone.

Exit status: 1 if a benchmark failed (an error, an answer other than 200, a page that is not
what it should be); a missed target is shown in the table and fails only with --strict.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import pkgutil
import platform
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
BENCH_REDIS = "redis://127.0.0.1:6379/14"


def discover(only: str | None = None) -> list:
    names = sorted(
        info.name
        for info in pkgutil.iter_modules([str(HERE)])
        if info.name.startswith("bench_") and (not only or only in info.name)
    )
    return [importlib.import_module(f"tests.benchmarks.{name}") for name in names]


def parse(argv: list[str] | None):
    from tests.benchmarks.harness import Options

    d = Options()
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.run", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--staff", type=int, default=d.staff)
    parser.add_argument("--completions", type=int, default=d.completions)
    parser.add_argument("--courses", type=int, default=d.courses)
    parser.add_argument("--lessons", type=int, default=d.lessons, help="lessons per course")
    parser.add_argument("--requests", type=int, default=d.requests, help="timed, per URL")
    parser.add_argument("--warmup", type=int, default=d.warmup, help="untimed, per URL")
    parser.add_argument("--clients", type=int, default=d.clients, help="for the throughput")
    parser.add_argument("--workers", type=int, default=d.workers, help="gunicorn workers")
    parser.add_argument(
        "--max-seconds", type=float, default=d.max_seconds, help="cap of each timed phase"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=d.quiet_wait,
        help="seconds to wait, before measuring, for other processes to leave the CPU",
    )
    parser.add_argument("--only", help="run only the bench_*.py modules whose name has this")
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    options = Options(**{name: getattr(args, name) for name in Options.__dataclass_fields__})
    return args, options


# Set-up ------------------------------------------------------------------------------------


def configure_environment(static_root: str) -> str:
    """Environment for this process and the gunicorn it starts; returns the cache's name."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.benchmarks.settings"
    os.environ["BENCH_STATIC_ROOT"] = static_root
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not every page Wagtail publishes
    if "BENCH_CACHE_URL" not in os.environ:
        import redis

        try:
            redis.Redis.from_url(BENCH_REDIS, socket_connect_timeout=1).ping()
            os.environ["BENCH_CACHE_URL"] = BENCH_REDIS
        except redis.exceptions.ConnectionError:
            os.environ["BENCH_CACHE_URL"] = ""
    return os.environ["BENCH_CACHE_URL"] or "local memory (per worker)"


def recreate_database() -> str:
    """Drop and create the benchmark database; returns a description of it."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db['NAME']}{suffix}").unlink(missing_ok=True)
        return f"SQLite {db['NAME']}"
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"Unsupported database engine {db['ENGINE']}")
    import psycopg
    from psycopg import sql

    try:
        conn = psycopg.connect(
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as error:
        raise SystemExit(
            f"PostgreSQL is not reachable ({error}); start it, or set BENCH_DATABASE_URL."
        ) from error
    with conn:
        name = sql.Identifier(db["NAME"])
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return f"PostgreSQL database {db['NAME']} on {db['HOST'] or 'localhost'}"


def timed(label: str, function, log=print):
    log(f"{label}...")
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    log(f"  {seconds:.1f} s")
    return result, seconds


# The machine -------------------------------------------------------------------------------


def machine() -> list[tuple[str, str]]:
    from django.db import connection

    from tests.benchmarks.harness import version

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "?"
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = f"{connection.vendor} {connection.Database.sqlite_version}"
    return [
        ("CPU", f"{cpu}, {os.cpu_count()} cores"),
        ("memory", memory),
        ("system", platform.platform()),
        ("Python", platform.python_version()),
        (
            "packages",
            ", ".join(
                f"{name} {version(name)}"
                for name in ("Django", "wagtail", "gunicorn", "psycopg", "whitenoise")
            ),
        ),
        ("database server", database),
    ]


# Output ------------------------------------------------------------------------------------

HEADERS = ("measure", "value", "target", "comparison")


def cells(row) -> tuple[str, str, str, str]:
    return (row.measure, row.value_text, row.target_text, row.comparison)


def text_table(rows) -> str:
    lines = [HEADERS, *(cells(row) for row in rows)]
    widths = [max(_width(line[i]) for line in lines) for i in range(4)]

    def fmt(line):
        return "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(line)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(lines[0]), rule, *(fmt(line) for line in lines[1:])])


def _width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def markdown(sections, rows, facts, details, machine_facts, started, command) -> str:
    def md_row(values):
        return "| " + " | ".join(v.replace("|", "\\|") for v in values) + " |"

    out = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`{command}`) on {started:%Y-%m-%d %H:%M %Z}. "
        "Run it again to refresh this file; see `tests/benchmarks/run.py`.",
        "",
        md_row(HEADERS),
        md_row(["---", "---:", "---", "---"]),
        *(md_row(cells(row)) for row in rows),
        "",
        "## Machine",
        "",
        *(f"- {name}: {value}" for name, value in machine_facts),
        "",
        "## Set-up",
        "",
        *(f"- {name}: {value}" for name, value in facts.items()),
        "",
    ]
    for module in sections:
        out += [f"## {module.TITLE}", "", (module.__doc__ or "").strip(), ""]
    if details:
        out += ["## Queries", ""]
        for paragraph in details:
            out += [paragraph, ""]
    return "\n".join(out).rstrip() + "\n"


# Main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args, options = parse(argv)
    started = datetime.datetime.now().astimezone()
    static_root = tempfile.mkdtemp(prefix="lms-bench-static-")
    cache = configure_environment(static_root)

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache as django_cache
    from django.core.management import call_command

    from tests.benchmarks.harness import Context, Row, have_wrk, wrk_version

    ctx = Context(options)
    failed: list[str] = []
    sections = []
    rows: list[Row] = []
    try:
        database, _s = timed("Recreating the benchmark database", recreate_database)
        _r, migrate_seconds = timed(
            "Migrating", lambda: call_command("migrate", verbosity=0, interactive=False)
        )
        timed(
            "Collecting static files",
            lambda: call_command("collectstatic", verbosity=0, interactive=False),
        )
        django_cache.clear()
        conn_max_age = settings.DATABASES["default"]["CONN_MAX_AGE"]
        ctx.facts["database"] = f"{database}, CONN_MAX_AGE={conn_max_age}"
        ctx.facts["cache"] = cache
        ctx.facts["requests"] = (
            f"{options.warmup} untimed, then {options.requests} timed per URL (or as many as "
            f"{options.max_seconds:.0f} s allow) with 1 client (a new connection per "
            "request); throughput "
            + (
                f"with wrk {wrk_version()}, {options.clients} connections for 10 s"
                if have_wrk()
                else f"with {options.clients} threads of one Python process (wrk is not "
                "installed: the bare view's figure is the client's limit)"
            )
        )
        ctx.facts["migrate"] = f"{migrate_seconds:.0f} s"
        for module in discover(args.only):
            print(f"\n== {module.TITLE}")
            try:
                module_rows = module.run(ctx)
            except Exception:
                traceback.print_exc()
                failed.append(module.__name__)
                continue
            sections.append(module)
            rows += module_rows
        machine_facts = machine()
    finally:
        ctx.close()
        shutil.rmtree(static_root, ignore_errors=True)

    rows = ctx.rows + rows
    print()
    print(text_table(rows))
    if failed:
        print(f"\nFAILED: {', '.join(failed)}", file=sys.stderr)
    missed = [row.measure for row in rows if row.met is False]
    if missed:
        print(f"\nTargets missed: {'; '.join(missed)}")
    if not args.no_write and not failed:
        command = " ".join(["python -m tests.benchmarks.run", *(argv or sys.argv[1:])])
        RESULTS.write_text(
            markdown(sections, rows, ctx.facts, ctx.details, machine_facts, started, command)
        )
        print(f"\nWrote {RESULTS.relative_to(HERE.parents[1])}")
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
