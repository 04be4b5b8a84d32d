"""Ralph (openfun's `ralph-malph`), a real Learning Record Store, started by the tests on a free
loopback port with its file-system backend and HTTP basic authentication.

Ralph lives in its own virtual environment (`.venv/lrs`, made by `make install` from
`ralph-requirements.txt`): its FastAPI and Starlette pins are not the project's. Its
credentials file is made by its own `ralph auth` command. `ralph runserver` starts uvicorn
with a file-watching reloader (a second process, watching the working directory); the tests
start the same application (`ralph.api:app`) with the same settings through uvicorn itself,
one process that stops when told. One setting differs: Ralph 5.1.0's file-system backend
writes its statements file with the CREATE operation, which refuses a file that exists, so
that only the first POST of a server's life is stored (the next answer 500); the tests' Ralph
appends to it instead (`APPEND`, the backend's own operation), everything else as released.

What Ralph stores is read back through its statements resource (`GET /xAPI/statements`), its
store file counts copies, and each statement is checked by Ralph's own xAPI model
(`ralph.models.xapi.base.statements.BaseXapiStatement`), stricter than what its POST checks.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

VENV = Path(os.environ.get("LMS_TEST_LRS_VENV") or settings.BASE_DIR / ".venv" / "lrs")
PYTHON = VENV / "bin" / "python"
USER, PASSWORD = "courier-lms", "a-test-secret"
STORE = "statements.jsonl"

# `ralph.api:app`, its file-system LRS backend appending to its statements file.
APP = """
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402
"""

VALIDATE = """
import json, sys
from ralph.models.xapi.base.statements import BaseXapiStatement
problems = {}
for statement in json.load(sys.stdin):
    try:
        BaseXapiStatement.model_validate(statement)
    except Exception as error:
        problems[statement.get("id", "?")] = str(error)
json.dump(problems, sys.stdout)
"""


def installed() -> bool:
    return PYTHON.is_file()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(folder: Path) -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "SSL_CERT_FILE")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env.update(
        RALPH_APP_DIR=str(folder / "app"),
        RALPH_AUTH_FILE=str(folder / "app" / "auth.json"),
        RALPH_RUNSERVER_BACKEND="fs",
        RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(folder / "store"),
        RALPH_BACKENDS__LRS__FS__DEFAULT_LRS_FILE=STORE,
        PYTHONUNBUFFERED="1",
    )
    return env


def credentials(folder: Path) -> None:
    """Ralph's credentials file for the site's key and secret, by `ralph auth`."""
    (folder / "app").mkdir(parents=True, exist_ok=True)
    (folder / "store").mkdir(exist_ok=True)
    subprocess.run(
        [
            str(VENV / "bin" / "ralph"),
            "auth",
            "--username",
            USER,
            "--password",
            PASSWORD,
            "--scope",
            "statements/write",
            "--scope",
            "statements/read",
            "--agent-ifi-mbox",
            "mailto:lms@example.com",
            "--write-to-disk",
        ],
        cwd=folder,
        env=_environment(folder),
        check=True,
        capture_output=True,
        timeout=120,
    )


class Ralph:
    """One Ralph server over the store in `folder` (credentials made by `credentials`)."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder = folder
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.log = folder / f"ralph-{self.port}.log"

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI"

    def start(self, timeout: float = 60) -> Ralph:
        (self.folder / "ralph_appending.py").write_text(APP)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    str(PYTHON),
                    "-m",
                    "uvicorn",
                    "ralph_appending:app",
                    "--app-dir",
                    str(self.folder),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--log-level",
                    "warning",
                ],
                cwd=self.folder,
                env=_environment(self.folder),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited ({self.process.returncode}):\n{self.logs()}")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=2
                ) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Ralph did not answer in {timeout:g} s:\n{self.logs()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)

    def logs(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    # Reading back ------------------------------------------------------------------------

    def _get(self, query: str) -> dict:
        request = urllib.request.Request(
            f"{self.endpoint}/statements?{query}",
            headers={
                "X-Experience-API-Version": "1.0.3",
                "Authorization": "Basic "
                + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode(),
            },
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def statement(self, statement_id: str) -> dict:
        """The statement Ralph holds with this id (xAPI's GET with `statementId`; Ralph answers
        with a statement result, a list, rather than the statement alone)."""
        answer = self._get(f"statementId={statement_id}")
        found = answer.get("statements", [answer])
        assert [s["id"] for s in found] == [statement_id], answer
        return found[0]

    def copies(self, statement_id: str) -> int:
        """How many times the store file holds the statement."""
        store = self.folder / "store" / STORE
        if not store.exists():
            return 0
        lines = store.read_text(encoding="utf-8").splitlines()
        return sum(json.loads(line)["id"] == statement_id for line in lines if line.strip())


def validate(statements: list[dict]) -> dict[str, str]:
    """What Ralph's xAPI model finds wrong in each statement, by id (empty: all valid)."""
    done = subprocess.run(
        [str(PYTHON), "-c", VALIDATE],
        input=json.dumps(statements),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)
