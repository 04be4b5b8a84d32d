"""A site made before the feature packages migrates, runs the jobs it had queued, and serves
its pages.

demo-site-62b0b2b.tar.xz is the demo site as `main` made it at commit 62b0b2b, the last one
before the code moved into feature packages: an SQLite database and its media and private
files, made with

    DATABASE_URL=sqlite:///old.sqlite3 MEDIA_ROOT=media PRIVATE_ROOT=private \\
        TASKS_BACKEND=database REDIS_URL=redis://127.0.0.1:6379/9 DEBUG=1 \\
        python manage.py migrate && python manage.py seed_demo

then, in `manage.py shell` with the same settings, one more job queued under each task path
of that release (`assessments.tasks.compute_cycle`, `check_import` and `apply_import` of a
roster, `assessments.print_tasks.print_certificates`,
`assessments.certificate_tasks.render_certificate`, `courses.tasks.daily_learning_run`) beside
the 50 `render_certificates` jobs the demo queued itself. The database task backend stores
each job with its task's path: those paths must still lead to the tasks, and the migrations,
which name dotted paths too, must still load.

The site runs in processes of its own on a copy of the files (tests/upgrade/settings.py); it
does not depend on the test database, so it runs in the SQLite pass only.
"""

import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings

HERE = Path(__file__).resolve().parent
SITE = HERE / "demo-site-62b0b2b.tar.xz"
ROOT = Path(settings.BASE_DIR)
OLD_TASK_PATHS = {
    "assessments.certificate_tasks.render_certificate",
    "assessments.certificate_tasks.render_certificates",
    "assessments.print_tasks.print_certificates",
    "assessments.tasks.apply_import",
    "assessments.tasks.check_import",
    "assessments.tasks.compute_cycle",
    "courses.tasks.daily_learning_run",
}

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the site runs on its own SQLite copy: once, in the SQLite pass",
)


@pytest.fixture
def site(tmp_path):
    """A copy of the old site, and how to run a command of the new code on it."""
    with tarfile.open(SITE) as archive:
        archive.extractall(tmp_path, filter="data")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CACHE_URL", "REDIS_URL", "TASKS_BACKEND", "DEBUG")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="tests.upgrade.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'old.sqlite3'}",
        LMS_TEST_MEDIA_ROOT=str(tmp_path / "media"),
        LMS_TEST_PRIVATE_ROOT=str(tmp_path / "private"),
    )

    def run(*args: str, timeout: int = 300) -> str:
        done = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    return tmp_path / "old.sqlite3", run


def jobs(database: Path) -> dict[tuple[str, str], int]:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT task_path, status, count(*) FROM django_tasks_database_dbtaskresult "
            "GROUP BY task_path, status"
        ).fetchall()
    return {(path, status): count for path, status, count in rows}


def test_an_old_site_migrates_runs_its_queued_jobs_and_serves_its_pages(site):
    database, run = site

    # The migrations load (they name dotted paths) and leave nothing to do.
    run("manage.py", "migrate", "--noinput")
    assert "No planned migration operations." in run("manage.py", "migrate", "--plan")

    # A worker of the new code runs every job queued under the old task paths, and does the
    # work: the roster imported, the cycle computed again, the print job joined, every
    # certificate rendered.
    waiting = jobs(database)
    assert {path for path, status in waiting if status == "READY"} >= OLD_TASK_PATHS
    run("manage.py", "worker", "--batch", timeout=600)
    done = jobs(database)
    assert {status for _path, status in done} == {"SUCCESSFUL"}, done
    for path in OLD_TASK_PATHS:
        queued = sum(count for (queued_path, _), count in waiting.items() if queued_path == path)
        assert done[(path, "SUCCESSFUL")] == queued
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM lms_user WHERE username = 'E1099'").fetchone() == (
            1,
        )
        assert db.execute("SELECT state FROM assessments_printjob").fetchall() == [("done",)]
        unrendered = "SELECT count(*) FROM assessments_certificate WHERE rendered_at IS NULL"
        assert db.execute(unrendered).fetchone() == (0,)

    # Every role's pages, from the learner's lesson to the Wagtail admin.
    lines = run("-m", "tests.upgrade.pages").splitlines()
    seen = [json.loads(line) for line in lines if line.startswith("{")]
    assert len(seen) == 38
    assert [page for page in seen if page["status"] != 200] == []
