"""What every benchmark uses: result rows, the shared context, the server and the HTTP client.

A benchmark module (`bench_*.py`) gets a `Context` and returns `Row`s; the runner
(`run.py`) prints them as one table and writes RESULTS.md. The context builds the expensive
things once and only when a benchmark asks: the data set (`ctx.dataset`) and the gunicorn
server (`ctx.server`).
"""

from __future__ import annotations

import http.client
import itertools
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


# Rows of the table -----------------------------------------------------------------------


@dataclass
class Row:
    """One line of the results table.

    `target` says what is wanted ("< 50 ms"), `met` whether the value meets it (None: no
    target); `comparison` gives the figure to read the value against ("bare view: 1.2 ms").
    """

    measure: str
    value: float | int | str
    unit: str = ""
    target: str = ""
    met: bool | None = None
    comparison: str = ""

    @property
    def value_text(self) -> str:
        if isinstance(self.value, float):
            digits = 0 if abs(self.value) >= 100 else 1 if abs(self.value) >= 10 else 2
            text = f"{self.value:,.{digits}f}"
        elif isinstance(self.value, int):
            text = f"{self.value:,}"
        else:
            text = str(self.value)
        return f"{text} {self.unit}".strip()

    @property
    def target_text(self) -> str:
        if self.met is None:
            return self.target
        return f"{self.target} {'✓ met' if self.met else '✗ MISSED'}"


# Timings -----------------------------------------------------------------------------------


@dataclass
class Result:
    """The latencies (seconds) of a run of requests, and how long the run took."""

    latencies: list[float]
    seconds: float
    statuses: Counter = field(default_factory=Counter)
    clients: int = 1

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies, 95) * 1000

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != 200)


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile: the smallest value with `pct`% of values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def query_listing(
    name: str, path: str, sql: list[tuple[float, str]], size: int | None = None
) -> str:
    """A Markdown list of a request's queries, slowest first, for RESULTS.md."""
    if not sql:
        return f"**{name}** (`{path}`): no queries."
    total = sum(seconds for seconds, _sql in sql) * 1000
    where = f"`{path}`" + (f", {size / 1024:.0f} KB" if size is not None else "")
    lines = [
        f"**{name}** ({where}): {len(sql)} queries, {total:.1f} ms "
        "in SQL (in-process, warm, one request), slowest first:",
        "",
    ]
    for seconds, text in sorted(sql, key=lambda q: -q[0]):
        text = " ".join(text.split())
        if len(text) > 160:
            text = text[:157] + "..."
        lines.append(f"- {seconds * 1000:.2f} ms `{text}`")
    return "\n".join(lines)


# The server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving `lms.wsgi` with the benchmark settings, on a free loopback port."""

    host = "127.0.0.1"

    def __init__(
        self,
        *,
        workers: int,
        env: dict[str, str],
        ready_path: str = "/bench/bare/",
        app: str = "lms.wsgi",
        directory: Path = ROOT,
    ):
        self.workers = workers
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", app,
                "--chdir", str(directory),
                "--bind", f"{self.host}:{self.port}",
                "--workers", str(workers),
                "--log-level", "warning",
            ],
            cwd=directory,
            env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                if fetch(self.host, self.port, ready_path)[0] == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.2)

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        status, body, _seconds = fetch(self.host, self.port, path, headers)
        return status, body

    def load(self, path: str, **kwargs) -> Result:
        return load(self.host, self.port, path, **kwargs)

    def wrk(self, path: str, **kwargs) -> Wrk:
        return wrk(self.host, self.port, path, **kwargs)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# The client --------------------------------------------------------------------------------


def fetch(
    host: str, port: int, path: str, headers: dict[str, str] | None = None
) -> tuple[int, bytes, float]:
    """GET `path` on a new connection; (status, body, seconds from connect to last byte).

    A new connection each time: gunicorn's sync workers (its default, and production's)
    close the connection after every response, as a browser behind a proxy would see.
    """
    status, _headers, body, seconds = send(host, port, "GET", path, headers=headers)
    return status, body, seconds


def send(
    host: str,
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> tuple[int, http.client.HTTPMessage, bytes, float]:
    """One request on a new connection; (status, headers, body, seconds), as `fetch`."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(
            method, path, body=body, headers={"Connection": "close", **(headers or {})}
        )
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    return response.status, response.msg, data, time.perf_counter() - start


def load(
    host: str,
    port: int,
    path: str,
    *,
    requests: int,
    clients: int = 1,
    headers: dict[str, str] | None = None,
    max_seconds: float | None = None,
) -> Result:
    """`requests` GETs of `path` from `clients` threads, each sending one after another.

    With `max_seconds`, no request starts after that time: a slow page is measured on fewer
    requests rather than making the run long.
    """
    latencies: list[float] = []
    statuses: Counter = Counter()
    numbers = itertools.count()
    lock = threading.Lock()
    deadline = time.perf_counter() + max_seconds if max_seconds else math.inf

    def client() -> None:
        mine, seen = [], Counter()
        while next(numbers) < requests and time.perf_counter() < deadline:
            status, _body, seconds = fetch(host, port, path, headers)
            mine.append(seconds)
            seen[status] += 1
        with lock:
            latencies.extend(mine)
            statuses.update(seen)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result(latencies, time.perf_counter() - start, statuses, clients)


# wrk: throughput -------------------------------------------------------------------------

# wrk's summary in one line of its own (its usual output has no 95th percentile).
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), e.connect, e.read,
    e.write, e.status + e.timeout))
end
"""


@dataclass
class Wrk:
    """What wrk measured: requests, seconds, median and p95 latency, failed requests."""

    requests: int
    seconds: float
    median_ms: float
    p95_ms: float
    errors: int
    connections: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def wrk_version() -> str:
    output = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    return output.split()[1] if output.startswith("wrk ") else "?"


def wrk(
    host: str,
    port: int,
    path: str,
    *,
    connections: int,
    seconds: float = 10,
    threads: int = 1,
    headers: dict[str, str] | None = None,
) -> Wrk:
    """`path` requested by wrk (Debian's package: a client in C, which keeps up with a server
    where Python's threads cannot) from `connections` connections for `seconds`.

    gunicorn's sync workers close the connection after each response; wrk opens a new one,
    as `load` does. Read errors (a connection closed at the end of a response) are how such
    a server answers, not failures; failures are refused connections, non-2xx/3xx answers
    and timeouts.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        command = [
            "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
            "-s", script.name,
        ]  # fmt: skip
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        command.append(f"http://{host}:{port}{path}")
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    requests, micros, p50, p95, connect, _read, write, status = map(int, line.split()[1:])
    return Wrk(
        requests=requests,
        seconds=micros / 1e6,
        median_ms=p50 / 1000,
        p95_ms=p95 / 1000,
        errors=connect + write + status,
        connections=connections,
    )


# Scripted clients --------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One request of a scripted client, sent `pause` seconds after the previous one's answer.

    It succeeds when the status is `expect`, the body holds `check` and (if given) the
    Location header is `location`.
    """

    label: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    pause: float = 0.0
    expect: int = 200
    check: bytes = b""
    location: str = ""


@dataclass(frozen=True)
class Outcome:
    label: str
    status: int  # 0: no answer (refused, reset, timed out)
    seconds: float
    ok: bool
    sent_at: float  # seconds after the scripts' common start
    error: str = ""


@dataclass
class Played:
    """The outcomes of each script, in order; the time all took; the clients' CPU seconds."""

    outcomes: list[list[Outcome]]
    seconds: float
    client_cpu: float
    processes: int

    def result(self, label: str) -> Result:
        """The timings of the steps with that label (their statuses: what the server said)."""
        done = [o for script in self.outcomes for o in script if o.label == label]
        return Result(
            [o.seconds for o in done], self.seconds, Counter(o.status for o in done), len(done)
        )

    def failures(self, label: str | None = None) -> list[Outcome]:
        """The steps that did not get the answer they expected."""
        return [
            o
            for script in self.outcomes
            for o in script
            if not o.ok and (label is None or o.label == label)
        ]


def play(host: str, port: int, scripts: list[list[Step]], *, processes: int = 1) -> Played:
    """Play each script from its own thread, all starting at the same moment.

    The threads are shared among `processes` client processes (forked: call
    `django.db.connections.close_all()` first), so that the client's own Python does not
    queue the answers it times behind its global interpreter lock.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    processes = max(1, min(processes, len(scripts)))
    shares = [list(range(n, len(scripts), processes)) for n in range(processes)]
    # Time enough for every process to start its threads before the common start.
    start_at = time.monotonic() + 0.5 + 0.005 * len(scripts)
    outcomes: list[list[Outcome]] = [[] for _ in scripts]
    cpu = 0.0
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        futures = [
            pool.submit(_play_share, host, port, [scripts[i] for i in share], start_at)
            for share in shares
        ]
        for share, future in zip(shares, futures, strict=True):
            results, used = future.result()
            cpu += used
            for i, result in zip(share, results, strict=True):
                outcomes[i] = result
    ends = [o.sent_at + o.seconds for script in outcomes for o in script]
    return Played(outcomes, max(ends, default=0.0), cpu, processes)


def _play_share(
    host: str, port: int, scripts: list[list[Step]], start_at: float
) -> tuple[list[list[Outcome]], float]:
    """In a client process: every script on its own thread; (outcomes, CPU seconds used)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF)
    results: list[list[Outcome]] = [[] for _ in scripts]

    def client(n: int) -> None:
        time.sleep(max(0.0, start_at - time.monotonic()))
        mine = results[n]
        for step in scripts[n]:
            if step.pause:
                time.sleep(step.pause)
            sent_at = time.monotonic() - start_at
            try:
                status, headers, body, seconds = send(
                    host, port, step.method, step.path, step.body, step.headers
                )
            except OSError as error:
                seconds = time.monotonic() - start_at - sent_at
                mine.append(Outcome(step.label, 0, seconds, False, sent_at, repr(error)))
                continue
            ok = (
                status == step.expect
                and step.check in body
                and (not step.location or headers.get("Location") == step.location)
            )
            error = "" if ok else body[:200].decode(errors="replace")
            mine.append(Outcome(step.label, status, seconds, ok, sent_at, error))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(scripts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = resource.getrusage(resource.RUSAGE_SELF)
    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return results, used


def busy_elsewhere(seconds: float = 1.0) -> float | None:
    """The share of the machine's CPU in use over `seconds` while this run does nothing.

    Other work on the machine (a test run, a build) slows every figure; the runner reports
    this before measuring. None where /proc/stat is not available.
    """

    def sample() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields), idle

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except OSError:
        return None
    total = total1 - total0
    return 1 - (idle1 - idle0) / total if total else 0.0


def wait_until_quiet(max_seconds: float, log: Callable[[str], None]) -> float | None:
    """Wait (up to `max_seconds`) for other processes to leave the CPU; returns their share."""
    deadline = time.monotonic() + max_seconds
    busy = busy_elsewhere()
    if busy is not None and busy > QUIET and max_seconds > 0:
        log(f"  {busy:.0%} of the CPU is in use by other processes; waiting...")
        while busy is not None and busy > QUIET and time.monotonic() < deadline:
            busy = busy_elsewhere(2.0)
    return busy


QUIET = 0.10


def _ticks(pid: int) -> tuple[str, int]:
    """(command name, CPU ticks used so far) of a process; ("", 0) if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "", 0
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return name, int(fields[11]) + int(fields[12])  # utime + stime


class OthersWatch:
    """CPU used, while measuring, by processes that are not this run's (nor PostgreSQL's).

    A lower bound of the interference: processes that start and end within the window, and
    other users of the same PostgreSQL server, are not seen.
    """

    def __init__(self, ours: Callable[[], set[int]]):
        self.ours = ours
        self.start = self._sample()
        self.started = time.monotonic()

    def _sample(self) -> dict[int, int]:
        ours = self.ours()
        sample = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) not in ours:
                name, ticks = _ticks(int(entry.name))
                if name and name != "postgres":
                    sample[int(entry.name)] = ticks
        return sample

    def share(self) -> float:
        """The share of the machine's CPU they used since the watch began."""
        end = self._sample()
        used = sum(ticks - self.start.get(pid, 0) for pid, ticks in end.items())
        seconds = time.monotonic() - self.started
        capacity = seconds * os.sysconf("SC_CLK_TCK") * (os.cpu_count() or 1)
        return max(0.0, used / capacity) if capacity else 0.0


def descendants(pid: int) -> set[int]:
    """A process and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        found.add(current)
        todo.extend(children.get(current, []))
    return found


class CpuMeter:
    """CPU time used, while it runs, by the server's processes and by the PostgreSQL
    processes serving the benchmark database: what a run of requests cost them.

    A thread reads /proc every `every` seconds, so that a process that ends meanwhile (a
    database connection closed after CONN_MAX_AGE, and opened again) loses at most its last
    moments. Both figures stay 0.0 where /proc is not available.

        with CpuMeter(server.process.pid, "lms_bench") as meter:
            ...
        server_seconds, database_seconds = meter.seconds
    """

    def __init__(self, server_pid: int, database: str, every: float = 0.5):
        self.server_pid = server_pid
        self.database = f" {database} "  # as a backend's title has it
        self.every = every
        self.first: dict[int, tuple[str, int]] = {}  # pid -> (part, ticks)
        self.last: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        ours = descendants(self.server_pid)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            if pid in ours:
                part = "server"
            else:
                try:
                    title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                except OSError:
                    continue
                if not (title.startswith("postgres: ") and self.database in title):
                    continue
                part = "database"
            _name, ticks = _ticks(pid)
            if ticks:
                self.last[pid] = (part, ticks)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def __enter__(self) -> CpuMeter:
        if Path("/proc/stat").exists():
            self._sample()
            self.first = dict(self.last)  # a process that starts later counts from 0
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()
            self._sample()

    @property
    def seconds(self) -> tuple[float, float]:
        """(server, database) CPU seconds used while the meter ran."""
        used = {"server": 0, "database": 0}
        for pid, (part, ticks) in self.last.items():
            used[part] += ticks - self.first.get(pid, (part, 0))[1]
        hz = os.sysconf("SC_CLK_TCK")
        return used["server"] / hz, used["database"] / hz


# The context -------------------------------------------------------------------------------


@dataclass
class Options:
    staff: int = 5000
    completions: int = 200_000
    courses: int = 10
    lessons: int = 8
    requests: int = 500
    warmup: int = 50
    clients: int = 4
    workers: int = 2
    max_seconds: float = 30.0  # per timed phase
    quiet_wait: float = 60.0  # seconds to wait for other processes to leave the CPU


class Context:
    """Shared by every benchmark of a run; builds the data set and the server on first use."""

    def __init__(self, options: Options, *, log: Callable[[str], None] = print):
        self.options = options
        self.log = log
        self.rows: list[Row] = []  # the run's own rows (set-up times)
        self.facts: dict[str, str] = {}  # set-up facts for RESULTS.md
        self.details: list[str] = []  # Markdown paragraphs for RESULTS.md
        self._server: Server | None = None
        self._watch: OthersWatch | None = None

    @cached_property
    def dataset(self):
        from django.db import connection

        from tests.benchmarks.data import generate

        o = self.options
        self.log(f"Generating {o.staff:,} staff and {o.completions:,} completions...")
        start = time.perf_counter()
        data = generate(
            staff=o.staff,
            completions=o.completions,
            courses=o.courses,
            lessons_per_course=o.lessons,
        )
        seconds = time.perf_counter() - start
        self.log(f"  generated in {seconds:.1f} s: {data}")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.rows.append(
            Row(
                f"data set: {data.staff:,} staff, {data.completions:,} completions",
                seconds,
                "s",
                comparison=f"{data.enrolments:,} enrolments, {data.lessons} lessons",
            )
        )
        self.facts["data set"] = (
            f"{data.staff:,} staff in {data.org_units} org units, {data.courses} courses of "
            f"{o.lessons} lessons, {data.enrolments:,} enrolments "
            f"({data.completed_enrolments:,} completed), {data.completions:,} lesson "
            f"completions, {data.reminders:,} reminders"
        )
        return data

    @property
    def server(self) -> Server:
        if self._server is None:
            busy = wait_until_quiet(self.options.quiet_wait, self.log)
            if busy is not None:
                self.facts["other processes' CPU use before measuring"] = f"{busy:.0%}"
                if busy > QUIET:
                    self.log(
                        f"WARNING: {busy:.0%} of the CPU is in use by other processes: "
                        "the figures will be slower than this machine can do."
                    )
            self.log(f"Starting gunicorn with {self.options.workers} workers...")
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.benchmarks.settings"}
            self._server = Server(workers=self.options.workers, env=env)
            server_pid = self._server.process.pid
            if Path("/proc/stat").exists():
                self._watch = OthersWatch(lambda: {os.getpid()} | descendants(server_pid))
            self.facts["server"] = (
                f"gunicorn {version('gunicorn')}, {self.options.workers} sync workers on 127.0.0.1"
            )
        return self._server

    def session_cookie(self, user_id: int) -> dict[str, str]:
        """Headers of a signed-in session for the user (made server-side, no login form)."""
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        client = Client()
        client.force_login(get_user_model().objects.get(pk=user_id))
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}

    def close(self) -> None:
        if self._watch is not None:
            share = self._watch.share()
            self._watch = None
            self.facts["other processes' CPU use while measuring"] = (
                f"at least {share:.0%} of the machine (PostgreSQL not counted)"
            )
            if share > QUIET:
                self.log(
                    f"WARNING: other processes used at least {share:.0%} of the CPU while "
                    "measuring: the figures are slower than this machine can do."
                )
        if self._server is not None:
            self._server.stop()
            self._server = None


def version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version(distribution)
    except PackageNotFoundError:
        return "?"
