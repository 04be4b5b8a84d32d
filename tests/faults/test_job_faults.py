"""Fault drills of the background jobs, on a PostgreSQL cluster and a Redis that the tests start
themselves (tests/faults/services.py): a worker killed with SIGKILL in the middle of an
import's check, of its writing, of a cycle's computation and of a rendering batch, and the
database restarted during a job and during requests.

Each job finishes by itself within its lease (LMS_JOB_LEASE_SECONDS, 4 s here) once another
worker runs, with row counts unchanged or complete and no duplicate certificate; a worker
rides out the restart and keeps serving; the site answers again once the database is back.

The killed worker is slowed down (tests/faults/slow.py, installed by its warm-up) so that it is
killed half-way; the worker that takes the job up runs at full speed. PostgreSQL only (`make
test`'s PostgreSQL run): the cluster is PostgreSQL's own tools, and this process's connection
is moved onto it for the test (the test database of pytest-django is not used here).
"""

from __future__ import annotations

import datetime
import itertools
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection, connections
from django.db.utils import InterfaceError, OperationalError
from django.test import Client
from django_tasks_db.models import DBTaskResult

from tests.faults.services import (
    BASE_DIR,
    FaultWorkers,
    PostgresCluster,
    ThrowawayRedis,
    available,
    wait_for,
)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the fault drills run on PostgreSQL (make test-postgres), not SQLite",
    ),
    pytest.mark.skipif(bool(available()), reason=available() or "ready"),
]

LEASE = 4  # seconds
TEMPLATE = "lms_faults_template"
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def cluster():
    """A PostgreSQL cluster with one migrated database (the template of each test's; the
    migrated cluster is cached between runs by the migrations' hash), and a Redis; both
    removed at the end of the module."""
    pg = PostgresCluster()
    redis = ThrowawayRedis()

    def migrate(url: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",
            DATABASE_URL=url,
            LMS_TEST_CACHE_LOCATION=redis.location,
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=BASE_DIR, env=env, check=True, timeout=600, capture_output=True,
        )  # fmt: skip

    try:
        redis.start()
        pg.start_migrated(TEMPLATE, migrate)
        yield pg, redis
    finally:
        redis.stop()
        pg.stop()


class Site:
    def __init__(self, pg: PostgresCluster, workers: FaultWorkers):
        self.pg, self.workers = pg, workers

    def fresh(self, instance):
        """`instance` read again, through a dropped connection (the database restarted)."""
        return self.read(lambda: type(instance).objects.get(pk=instance.pk))

    def read(self, query):
        try:
            return query()
        except (OperationalError, InterfaceError):
            connections["default"].close()
            return None

    def wait(self, predicate, what: str, timeout: float = 60):
        return wait_for(
            lambda: self.read(predicate), what, timeout, every=0.2, on_fail=self.workers.logs
        )


@pytest.fixture
def site(cluster, django_db_blocker, settings, tmp_path):
    """A fresh copy of the migrated database, this process's connection and cache on it and
    on the Redis, tasks queued in the database, and the workers' pool (stopped at the end)."""
    pg, redis = cluster
    name = f"lms_faults_{next(_numbers)}"
    pg.sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    settings.TASKS = DATABASE_BACKEND
    settings.LMS_ENFORCE_MFA = False
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis.location,
            "KEY_PREFIX": name,
        }
    }
    default = connections["default"]
    saved = dict(default.settings_dict)
    default.close()
    default.settings_dict.update(pg.settings_of(name))
    workers = FaultWorkers(
        tmp_path,
        database_url=pg.url(name),
        redis=redis.location,
        lease=LEASE,
        media_root=str(django_settings.MEDIA_ROOT),
        private_root=str(django_settings.STORAGES["private"]["OPTIONS"]["location"]),
    )
    workers.env["LMS_TEST_CACHE_PREFIX"] = name
    try:
        with django_db_blocker.unblock():
            yield Site(pg, workers)
    finally:
        workers.stop()
        default.close()
        default.settings_dict.clear()
        default.settings_dict.update(saved)


# Data ----------------------------------------------------------------------------------------


def staff(count: int):
    from lms.roles import Role
    from tests import factories

    org = factories.org_tree()
    return [
        factories.staff(org["pudong-team"], roles=[Role.LEARNER], name="测试", number=f"L{n:03}")
        for n in range(1, count + 1)
    ]


ROWS = 3000


def surveys_batch():
    from assessments.imports import services
    from tests.factories import csv_bytes, survey

    staff(3)
    rows = [survey(f"K-{n}", f"L{n % 3 + 1:03}") for n in range(ROWS)]
    data = csv_bytes("surveys", rows)
    return services.import_upload(
        kind="surveys", name="surveys.csv", stream=SimpleUploadedFile("surveys.csv", data), by=None
    )


def state_of(site: Site, instance) -> str | None:
    found = site.fresh(instance)
    return getattr(found, "state", None)


def task_of(task_id) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=task_id)


def progress(batch) -> int:
    from assessments.imports.importing import progress_key

    return cache.get(progress_key(batch.pk)) or 0


# A worker killed in the middle of a job -------------------------------------------------------


def test_a_worker_killed_while_checking_an_import_is_replaced_and_the_check_completes(site):
    from assessments.models import ImportState, SurveyResult

    batch = surveys_batch()
    batch.refresh_from_db()
    assert batch.state == ImportState.CHECKING and batch.task_id
    site.workers.start("victim", slow=True)
    site.wait(lambda: 10 <= progress(batch) < 90, "the check to be under way")

    site.workers.kill("victim")

    assert state_of(site, batch) == ImportState.CHECKING
    site.workers.start("rescuer")
    site.wait(lambda: state_of(site, batch) == ImportState.CHECKED, "the check to complete")
    batch.refresh_from_db()
    assert batch.rows_total == ROWS and batch.problem_count == 0
    assert not SurveyResult.objects.exists()  # a check writes nothing
    # The worker records the task's outcome just after the check's own last write.
    site.wait(lambda: task_of(batch.task_id).status == "SUCCESSFUL", "the task's outcome")
    assert task_of(batch.task_id).worker_ids == ["victim", "rescuer"]


def test_a_worker_killed_while_writing_an_import_wrote_nothing_and_the_import_completes(site):
    from assessments.imports import importing, services
    from assessments.models import ImportState, SurveyResult

    batch = surveys_batch()
    site.workers.start("checker")
    site.wait(lambda: state_of(site, batch) == ImportState.CHECKED, "the check")
    site.workers.kill("checker")
    batch.refresh_from_db()
    services.import_confirm(batch=batch, by=None)
    site.workers.start("victim", slow=True)
    site.wait(lambda: 10 <= progress(batch) < 90, "the writing to be under way")

    site.workers.kill("victim")

    assert not SurveyResult.objects.exists()  # one transaction: rolled back
    assert state_of(site, batch) == ImportState.IMPORTING
    site.workers.start("rescuer")
    site.wait(lambda: state_of(site, batch) == ImportState.DONE, "the import to complete")
    batch.refresh_from_db()
    assert batch.created == ROWS and SurveyResult.objects.count() == ROWS
    assert task_of(batch.task_id).worker_ids == ["victim", "rescuer"]
    assert importing.progress_key(batch.pk) not in cache


def test_a_worker_killed_while_computing_a_cycle_leaves_the_results_before_then_recomputes(
    site,
):
    from assessments.cycles import compute, services
    from assessments.models import AssessmentResult, SurveyResult
    from tests.factories import make_cycle

    people = staff(4)
    cycle = make_cycle()
    compute.cycle_compute(cycle)  # the results before
    cycle.refresh_from_db()
    before = cycle.computed_at
    assert AssessmentResult.objects.filter(cycle=cycle, satisfaction__isnull=False).count() == 0
    SurveyResult.objects.create(
        user=people[0].user, reference="S-1", date=datetime.date(2026, 10, 8),
        source="phone", score=Decimal(4), scale="1-5",
    )  # fmt: skip
    assert services.cycle_start_computing(cycle) is True
    cycle.refresh_from_db()
    site.workers.start("victim", slow=True)
    site.wait(lambda: compute.cycle_computing(cycle) and task_of(cycle.compute_task_id).status
              == "RUNNING", "the computation to start")  # fmt: skip

    site.workers.kill("victim")

    assert site.fresh(cycle).computed_at == before
    assert AssessmentResult.objects.filter(cycle=cycle).count() == 4
    assert not services.cycle_start_computing(cycle)  # its lease still runs: not yet
    site.workers.start("rescuer")
    site.wait(
        lambda: task_of(cycle.compute_task_id).status == "SUCCESSFUL",
        "the computation to complete",
    )
    cycle.refresh_from_db()
    assert cycle.computed_at != before
    results = AssessmentResult.objects.filter(cycle=cycle)
    assert results.count() == 4
    assert results.get(user=people[0].user).satisfaction == Decimal(75)
    assert compute.cycle_progress(cycle) is None  # not "being computed" any more
    assert task_of(cycle.compute_task_id).worker_ids == ["victim", "rescuer"]


def test_a_worker_killed_while_rendering_certificates_leaves_no_duplicate_and_all_rendered(
    site,
):
    from assessments.certificates.services import certificates_issue_for_cycle
    from assessments.models import Certificate, CertificateKind, CertificateTemplate, CycleState
    from tests.factories import assessment_result, make_cycle

    for kind in CertificateKind:
        if not CertificateTemplate.objects.filter(kind=kind, active=True).exists():
            CertificateTemplate.objects.create(
                kind=kind, name="测试模板", title_zh="证书", body_zh="兹证明{name}"
            )
    cycle = make_cycle(
        "2026年第三季度考核", starts_on=datetime.date(2026, 7, 1), state=CycleState.FINALISED
    )
    for profile in staff(8):
        assessment_result(cycle, profile, overall="87.0", efficiency="90.0")

    issued = certificates_issue_for_cycle(cycle=cycle, by=None)

    assert len(issued) == 8
    rendered = Certificate.objects.filter(rendered_at__isnull=False)
    site.workers.start("victim", slow=True)
    site.wait(lambda: 2 <= rendered.count() < 8, "the rendering to be under way")

    site.workers.kill("victim")

    site.workers.start("rescuer")
    site.wait(lambda: rendered.count() == 8, "every certificate to be rendered")
    assert Certificate.objects.count() == 8
    assert len(set(Certificate.objects.values_list("serial", flat=True))) == 8
    for certificate in Certificate.objects.all():
        with certificate.pdf.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    rendering = DBTaskResult.objects.filter(task_path__endswith=".render_certificates")
    # The worker records the task's outcome just after the last certificate is stored.
    site.wait(lambda: rendering.get().status == "SUCCESSFUL", "the task's outcome")
    assert rendering.get().worker_ids == ["victim", "rescuer"]


# The database restarted -----------------------------------------------------------------------


def test_a_database_restart_during_a_job_the_worker_rides_it_out_and_keeps_serving(site, tmp_path):
    from assessments.imports import services
    from assessments.models import ImportState, SurveyResult
    from tests.deploy.tasks import record_run

    batch = surveys_batch()
    site.workers.start("steady", slow=True)
    site.wait(lambda: state_of(site, batch) == ImportState.CHECKED, "the check")
    batch.refresh_from_db()
    services.import_confirm(batch=batch, by=None)
    site.wait(lambda: 10 <= progress(batch) < 90, "the writing to be under way")

    down = site.pg.restart()

    assert down < 30
    site.wait(
        lambda: state_of(site, batch) in (ImportState.DONE, ImportState.FAILED),
        "the import to finish, or fail cleanly",
    )
    batch.refresh_from_db()
    assert SurveyResult.objects.count() == (ROWS if batch.state == ImportState.DONE else 0)
    task = task_of(batch.task_id)
    assert task.status in ("SUCCESSFUL", "FAILED")
    assert site.workers.alive("steady")
    log = site.workers.log("steady")
    assert "queued again" in log or "database unavailable" in log or "outcome" in log, log
    # and it keeps serving
    traces = tmp_path / "runs"
    traces.mkdir()
    queued = record_run.enqueue(1, str(traces))
    site.wait(lambda: task_of(queued.id).status == "SUCCESSFUL", "the next task")
    assert task_of(queued.id).worker_ids == ["steady"]


def test_a_database_restart_under_requests_the_site_and_an_idle_worker_come_back(site, tmp_path):
    from lms.roles import Role
    from tests import factories
    from tests.deploy.tasks import record_run

    hr = factories.staff(factories.org_tree()["co"], roles=[Role.HR], position="hr", number="H1")
    client = Client(raise_request_exception=False)
    client.force_login(hr.user)
    probe = Client(raise_request_exception=False)  # the load balancer's: signed out

    def get(client, url):
        # What a request's start does in production (CONN_HEALTH_CHECKS), and Django's test
        # client leaves out: a connection the restart broke is dropped, a new one opened.
        close_old_connections()
        return client.get(url)

    assert get(client, "/data/imports/").status_code == 200
    site.workers.start("idle")

    site.pg.halt()
    try:
        down = get(probe, "/healthz")
        assert down.status_code == 503 and "database" in down.json()["failed"]
        assert get(client, "/data/imports/").status_code >= 500  # no database: no page
    finally:
        site.pg.start()

    site.wait(lambda: get(probe, "/healthz").status_code == 200, "the site to answer again")
    assert get(client, "/data/imports/").status_code == 200
    traces = tmp_path / "runs"
    traces.mkdir()
    queued = record_run.enqueue(2, str(traces))
    site.wait(lambda: task_of(queued.id).status == "SUCCESSFUL", "the idle worker to serve")
    assert site.workers.alive("idle") and task_of(queued.id).worker_ids == ["idle"]
