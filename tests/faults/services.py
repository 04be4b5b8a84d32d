"""Throwaway services for the fault tests: a PostgreSQL cluster and a Redis that a test
starts itself, on free ports, and may stop, restart or kill; and `manage.py worker`
processes on them. The machine's own PostgreSQL and Redis are never touched.

- `PostgresCluster`: `initdb` in a temporary folder and `pg_ctl` on a free port (as the
  `postgres` user when the tests run as root: PostgreSQL refuses to run as root), one
  database migrated once (`template`), copied for each test (`CREATE DATABASE ... TEMPLATE`,
  a fraction of a second instead of the migrations' half-minute).
- `ThrowawayRedis`: `redis-server --port <free> --save ''`, nothing on disk.
- `FaultWorkers`: workers (`manage.py worker`, tests/faults/worker_settings.py) on a
  database of the cluster, with a short lease; each can be killed with SIGKILL.

Every wait is bounded and says what it waited for; everything is stopped and removed at the
end, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("LMS_FAULTS_PG_BIN", "/usr/local/bin"))
REDIS_SERVER = os.environ.get("LMS_FAULTS_REDIS_SERVER", "/usr/bin/redis-server")
BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what: str, timeout: float, *, every: float = 0.1, on_fail=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    detail = f"\n{on_fail()}" if on_fail else ""
    raise AssertionError(f"waited {timeout:g} s for {what}, in vain{detail}")


def available() -> str:
    """Why the fault tests cannot run here ("" when they can)."""
    for binary in (PG_BIN / "initdb", PG_BIN / "pg_ctl", Path(REDIS_SERVER)):
        if not binary.exists():
            return f"{binary} is missing"
    return ""


# Where a migrated cluster is kept between runs, by the hash of every migration (the project's
# and the installed packages'): migrating takes 40 s to minutes, copying the folder a second.
CACHE = Path(os.environ.get("LMS_FAULTS_CACHE", Path(tempfile.gettempdir()) / "lms-faults-cache"))


def migrations_hash() -> str:
    import hashlib

    import django

    digest = hashlib.sha256()
    roots = [BASE_DIR / app for app in ("lms", "courses", "assessments")]
    roots.append(Path(django.__file__).resolve().parents[1])  # site-packages
    for root in roots:
        for path in sorted(root.glob("**/migrations/*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class PostgresCluster:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="lms-faults-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgresql.log"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.folder, user="postgres")

    def _run(self, *command: str, timeout: float = 60) -> subprocess.CompletedProcess:
        if self.as_postgres:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=True, cwd="/"
        )

    def start_migrated(self, template: str, migrate) -> PostgresCluster:
        """Started with the database `template` migrated: from the cache when a run with the
        same migrations left one there, else made (`migrate(url)`) and cached."""
        cached = CACHE / migrations_hash() / "data"
        if cached.is_dir():
            shutil.copytree(cached, self.data, symlinks=True)
            if self.as_postgres:
                subprocess.run(["chown", "-R", "postgres:postgres", str(self.data)], check=True)
            return self.start()
        self.start()
        self.sql(f"CREATE DATABASE {template}")
        migrate(self.url(template))
        self.halt()
        staging = CACHE / f"{migrations_hash()}.{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(self.data, staging / "data", symlinks=True)
        with contextlib.suppress(OSError):  # another run cached it meanwhile: theirs is kept
            staging.rename(cached.parent)
        shutil.rmtree(staging, ignore_errors=True)
        return self.start()

    def start(self) -> PostgresCluster:
        if not self.data.exists():
            self._run(
                str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
            )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log),
            "-w", "-t", "60", "start",
        )  # fmt: skip
        return self

    def halt(self) -> None:
        """Stop the server (fast: connections cut, as an operator's restart does)."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> float:
        """Stop and start again; the seconds it was down."""
        started = time.monotonic()
        self.halt()
        self.start()
        return time.monotonic() - started

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run(
                str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop",
                timeout=30,
            )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=10) as db:
            db.execute(statement)

    def settings_of(self, name: str) -> dict:
        return {"NAME": name, "HOST": "127.0.0.1", "PORT": str(self.port), "USER": "postgres",
                "PASSWORD": ""}  # fmt: skip


class ThrowawayRedis:
    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> ThrowawayRedis:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir(),
        )  # fmt: skip

        def answers() -> bool:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s,
            ):
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
            return False

        wait_for(answers, "the throwaway Redis to answer", 15)
        return self

    @property
    def location(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


# What a worker must not inherit from the shell running the tests.
NOT_INHERITED = ("DATABASE_URL", "CACHE_URL", "REDIS_URL", "TASKS_BACKEND", "DEBUG")


class FaultWorkers:
    """`manage.py worker` processes on one database of the cluster."""

    def __init__(self, folder: Path, *, database_url: str, redis: str, lease: float,
                 media_root: str, private_root: str):  # fmt: skip
        self.folder = folder
        self.env = {
            k: v
            for k, v in os.environ.items()
            if k not in NOT_INHERITED and not k.startswith(("DJANGO_", "AWS_"))
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",
            DATABASE_URL=database_url,
            LMS_TEST_CACHE_LOCATION=redis,
            LMS_TEST_MEDIA_ROOT=media_root,
            LMS_TEST_PRIVATE_ROOT=private_root,
            LMS_TEST_PARENT_PID=str(os.getpid()),
            LMS_TEST_WORKER_LIFETIME="240",
            LMS_JOB_LEASE_SECONDS=f"{lease:g}",
            LMS_JOB_RECORD_SECONDS="30",
            PYTHONUNBUFFERED="1",
        )
        self.processes: dict[str, tuple[subprocess.Popen, Path]] = {}

    def start(self, name: str, *, slow: bool = False) -> subprocess.Popen:
        """A worker named `name`; `slow`: its jobs are slowed down (tests/faults/slow.py),
        so that it can be killed in the middle of one."""
        log = self.folder / f"{name}.log"
        env = {**self.env, "LMS_FAULTS_SLOW": "1" if slow else ""}
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "worker", "--no-reload", "--no-startup-delay",
                 "--interval", "0.2", "--worker-id", name, "--verbosity", "2"],
                cwd=BASE_DIR, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        self.processes[name] = (process, log)
        wait_for(
            lambda: "Starting worker" in log.read_text(errors="replace"),
            f"worker {name} to start",
            60,
            on_fail=self.logs,
        )
        return process

    def kill(self, name: str) -> None:
        process, _log = self.processes[name]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def alive(self, name: str) -> bool:
        return self.processes[name][0].poll() is None

    def log(self, name: str) -> str:
        return self.processes[name][1].read_text(errors="replace")

    def logs(self) -> str:
        parts = []
        for name, (process, log) in self.processes.items():
            text = log.read_text(errors="replace") if log.exists() else ""
            parts.append(f"--- {name} (exit {process.poll()}) ---\n{text[-3000:]}")
        return "\n".join(parts)

    def stop(self) -> None:
        """Killed: their database is thrown away with them (a graceful stop waits for the
        interpreter's exit, seconds on a busy machine, for nothing)."""
        for process, _log in self.processes.values():
            if process.poll() is None:
                process.kill()
        for process, _log in self.processes.values():
            process.wait(timeout=10)
