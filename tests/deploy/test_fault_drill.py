"""deploy/fault_drill.sh refuses to run anywhere but on a site that says it is staging."""

import os
import subprocess

from django.conf import settings

SCRIPT = settings.BASE_DIR / "deploy" / "fault_drill.sh"


def drill(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Nothing of the tests' own site: the drill's site is the one its environment file names.
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LMS_FAULT") and k != "DATABASE_URL"
    }
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, env={**clean, **env},
        timeout=60, check=False,
    )  # fmt: skip


def test_the_drill_refuses_without_the_staging_flag():
    done = drill("--url", "http://127.0.0.1:9", LMS_FAULT_DRILL="staging")
    assert done.returncode == 2 and "--staging not given" in done.stderr


def test_the_drill_refuses_a_site_whose_environment_does_not_say_staging(tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text("TASKS_BACKEND=database\n")
    done = drill("--staging", "--env-file", str(env_file), "--url", "http://127.0.0.1:9")
    assert done.returncode == 2 and "LMS_FAULT_DRILL=staging is not set" in done.stderr


def test_the_environment_file_is_read_as_the_site_reads_it(tmp_path):
    """A URL's "&" does not end the line (the file is not run by the shell), and a cache
    drill that could not bring Redis back is refused before anything is stopped."""
    env_file = tmp_path / "env"
    env_file.write_text(
        "DATABASE_URL=postgres://lms@db.internal/lms?connect_timeout=5&sslmode=require\n"
        "TASKS_BACKEND=database\nLMS_FAULT_DRILL=staging\n"
    )
    done = drill(
        "--staging", "--env-file", str(env_file), "--url", "http://127.0.0.1:9",
        "--stop-cache", "true",
    )  # fmt: skip
    assert done.returncode == 2
    assert "--stop-cache needs --start-cache" in done.stderr
    assert "command not found" not in done.stderr
