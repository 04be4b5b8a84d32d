"""The home page of each role ("what needs me today") under gunicorn.

The data set's typical learner, a trainer of the first region and an HR officer (both made
here, over the whole data set: the trainer's units hold thousands of learners, HR sees every
cycle, import and certificate the other benchmarks left) each open "/". Each page's queries
are counted in-process (a fixed number whatever the data: tests/lms/test_home_today.py), then
it is timed with one client (median, p95) and under load (throughput, read against the bare
view's, measured again here so the share is of the same run).
"""

from __future__ import annotations

import datetime

from tests.benchmarks.bench_learning import BARE, load_label, queries, timed_page
from tests.benchmarks.harness import Context, Row, query_listing

TITLE = "Home pages per role (learner, trainer, HR) under gunicorn"

HOME = "/"
P95_MS = 100.0


def _staff(number: str, name: str, roles: list, unit, trainer_units=None):
    from django.contrib.auth import get_user_model

    from lms import services

    existing = get_user_model().objects.filter(username=number).first()
    if existing is not None:
        return existing
    profile = services.staff_create(
        employee_number=number,
        full_name=name,
        org_unit=unit,
        position="trainer" if trainer_units else "hr",
        hire_date=datetime.date(2024, 1, 1),
        roles=roles,
        password=None,
    )
    if trainer_units:
        services.trainer_assign_units(profile=profile, units=trainer_units)
    return profile.user


def people(ctx: Context) -> dict[str, int]:
    """The user ids to sign in as: the data set's learner, a trainer of the first region, HR."""
    from lms.models import OrgUnit
    from lms.roles import Role

    learner = ctx.dataset.learner_id  # generates the data set when this module runs alone
    top = OrgUnit.get_root_nodes().first()
    region = top.get_children().first() or top
    trainer = _staff("BENCH-T1", "基准培训师", [Role.LEARNER, Role.TRAINER], region, [region])
    hr = _staff("BENCH-H1", "基准人事", [Role.LEARNER, Role.HR], top)
    return {"learner": learner, "trainer": trainer.pk, "HR": hr.pk}


# HR's backlog when this module runs alone (the cycle and certificate benchmarks leave theirs).
BACKLOG_CYCLES = 10
BACKLOG_CERTIFICATES = 1000


def hr_backlog(ctx: Context) -> None:
    """What HR's home page counts, when no benchmark before this one left it: ten finalised
    quarters of results over the data set's staff (four in five eligible), a computed cycle
    with its appeals, and certificates of the latest quarter, some printed, some expiring
    this month. Nothing is made when results exist already."""
    from django.utils import timezone

    from assessments.models import (
        Appeal,
        AssessmentCycle,
        AssessmentResult,
        Certificate,
        CertificateTemplate,
        ScoringPolicy,
    )
    from lms.models import StaffProfile

    if AssessmentResult.objects.exists():
        return
    staff = list(StaffProfile.objects.values_list("user_id", "org_unit_id", "position"))
    policy = ScoringPolicy.objects.order_by("-version").first()
    now = timezone.now()
    cycles = [
        AssessmentCycle.objects.create(
            name=f"基准 {2020 + i // 4}年第{i % 4 + 1}季度",
            starts_on=datetime.date(2020 + i // 4, 3 * (i % 4) + 1, 1),
            ends_on=datetime.date(2020 + i // 4, 3 * (i % 4) + 1, 28),
            policy=policy,
            state="finalised" if i < BACKLOG_CYCLES else "computed",
            computed_at=now,
        )
        for i in range(BACKLOG_CYCLES + 1)
    ]
    for cycle in cycles:
        AssessmentResult.objects.bulk_create(
            (
                AssessmentResult(
                    cycle=cycle, user_id=user_id, org_unit_id=unit_id, position=position,
                    overall=80, grade="good", eligible=n % 5 != 0, computed_at=now,
                )
                for n, (user_id, unit_id, position) in enumerate(staff)
            ),
            batch_size=5000,
        )  # fmt: skip
    Appeal.objects.bulk_create(
        Appeal(cycle=cycles[-1], user_id=user_id, part="knowledge", comment="为什么扣分")
        for user_id, _unit, _position in staff[:50]
    )
    latest = cycles[BACKLOG_CYCLES - 1]
    template = CertificateTemplate.objects.filter(kind="cycle", active=True).first()
    if template is None:
        return
    today = timezone.localdate()
    Certificate.objects.bulk_create(
        (
            Certificate(
                serial=f"BENCH-A-{n:06d}", code=f"BENCHCODE{n:08d}", kind="cycle",
                user_id=user_id, cycle=latest, template=template, issued_at=now,
                rendered_at=now if n % 4 else None,
                expires_on=today if n % 10 == 0 else today + datetime.timedelta(days=365),
            )
            for n, (user_id, _unit, _position) in enumerate(staff[:BACKLOG_CERTIFICATES], 1)
        ),
        batch_size=1000,
    )  # fmt: skip


def run(ctx: Context) -> list[Row]:
    o = ctx.options
    ids = people(ctx)
    hr_backlog(ctx)
    pages = [("bare view", BARE, {})] + [
        (f"home ({role})", HOME, ctx.session_cookie(user_id)) for role, user_id in ids.items()
    ]
    counted = {}
    for name, path, headers in pages:
        status, sql, size = queries(path, headers)
        assert status == 200, f"{name} ({path}) answered {status} in-process"
        counted[name] = (sql, size)
        ctx.details.append(query_listing(name, path, sql, size))

    server = ctx.server
    results = {}
    for name, path, headers in pages:
        status, body = server.get(path, headers)
        assert status == 200, f"{name} ({path}) answered {status}"
        if name != "bare view":
            assert b'data-audience="' in body, f"{name}: no 'what needs me today'"
        single, loaded = results[name] = timed_page(server, name, path, headers, o)
        ctx.log(
            f"  {name:14} median {single.median_ms:.1f} ms, p95 {single.p95_ms:.1f} ms; "
            f"{loaded.per_second:.0f} req/s under load"
        )

    bare_single, bare_loaded = results["bare view"]
    load_name = load_label(o)
    rows = []
    for name, _path, _headers in pages[1:]:
        single, loaded = results[name]
        sql, size = counted[name]
        rows += [
            Row(
                f"{name}: p95, 1 client",
                single.p95_ms,
                "ms",
                target=f"< {P95_MS:.0f} ms",
                met=single.p95_ms < P95_MS,
                comparison=f"median {single.median_ms:.1f} ms; bare view "
                f"{bare_single.p95_ms:.1f} ms",
            ),
            Row(
                f"{name}: throughput, {load_name}",
                loaded.per_second,
                "req/s",
                comparison=f"{loaded.per_second / bare_loaded.per_second:.2f} of bare view "
                f"({bare_loaded.per_second:.0f} req/s)",
            ),
            Row(
                f"{name}: SQL queries per view",
                len(sql),
                comparison=f"{sum(t for t, _sql in sql) * 1000:.1f} ms in SQL; "
                f"page {size / 1024:.0f} KB",
            ),
        ]
    return rows
