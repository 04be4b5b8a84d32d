"""Wagtail's own starter site, served by gunicorn beside ours: the comparison figure for a page.

The benchmarks read a page's throughput against a bare Django view's and against the home page of
the site `wagtail start` makes (anonymous, SQLite, the installed Wagtail), measured in the
same run on the same machine. This builds that site in a temporary folder with the project's
own Python (so the same Django, Wagtail and gunicorn), migrates it (which creates its home
page), and serves it with production settings: DEBUG off, the cached template loader.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.benchmarks.harness import Server

PROJECT = "benchsite"
# Production settings of the starter, but with a key and hosts of its own (its production
# settings read them from local.py), and static files served from the app's folders
# (the home page links one stylesheet; WhiteNoise is not part of the starter).
SETTINGS = f"""
from .production import *  # noqa: F403

SECRET_KEY = "bench-only-{os.getpid()}"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
"""


class StarterSite:
    """`wagtail start` in a temporary folder, migrated, and served by gunicorn."""

    def __init__(self, *, workers: int, log=print):
        self.folder = Path(tempfile.mkdtemp(prefix="lms-bench-starter-"))
        wagtail = Path(sys.executable).with_name("wagtail")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": f"{PROJECT}.settings.bench",
            "PYTHONPATH": str(self.folder),
        }
        try:
            log("Making Wagtail's starter site (wagtail start, migrate)...")
            subprocess.run(
                [str(wagtail), "start", PROJECT, str(self.folder)],
                check=True,
                capture_output=True,
            )
            (self.folder / PROJECT / "settings" / "bench.py").write_text(SETTINGS)
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                cwd=self.folder,
                env=env,
                check=True,
                capture_output=True,
            )
            self.server = Server(
                workers=workers,
                env=env,
                ready_path="/",
                app=f"{PROJECT}.wsgi",
                directory=self.folder,
            )
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise

    def stop(self) -> None:
        self.server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
