"""Certificates: the first PDF of a fresh worker, 1,000 assessment certificates issued
end to end, and the download of an issued certificate.

- First render: a new worker process sets Django up, loads WeasyPrint and calls
  `certificate_pdf.warm_up()` as a worker does when it starts (both reported beside), then
  renders one issued certificate and stores it (`certificate_pdf.certificate_render`:
  WeasyPrint's layout, the PDF/A-2a tagged PDF with the font subset by HarfBuzz, the file in
  private storage, the row updated).
  The comparison is WeasyPrint's layout alone of the same page (`HTML.render`, no PDF), and a
  warm render (the fifth and later of the process).
- 1,000 certificates: `certificates.certificates_issue_for_cycle` for a finalised cycle of
  1,000 eligible people (serials, codes, the content snapshots, the rows, the audit events;
  one transaction), then their rendering spread over two worker processes, as two django-tasks
  database workers would take the queued `certificate_tasks.render_certificates` tasks (20
  certificates a task, laid out as one document; each process is started and has loaded
  WeasyPrint before the clock starts, as a running worker has). End to end = issuing +
  rendering, until the last PDF is stored.
- Download: `certificates:download` of an issued certificate by its owner, through gunicorn,
  a new connection per request (the file read from storage, the audit event written).
BENCH_CERTIFICATES sets another number of certificates.
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal

from tests.benchmarks.harness import ROOT, Context, Row

TITLE = "Certificates: first render, 1,000 issued end to end, download"
COUNT = int(os.environ.get("BENCH_CERTIFICATES", "1000"))
WORKERS = 2
FIRST_TARGET_MS = 150
BATCH_TARGET_S = 30
DOWNLOAD_TARGET_MS = 50


# Set-up ---------------------------------------------------------------------------------------


def finalised_cycle(count: int):
    """A finalised cycle whose `count` + 1 results are eligible (people of the data set)."""
    from django.utils import timezone

    from assessments.models import (
        AssessmentCycle,
        AssessmentResult,
        CycleState,
        ScoringPolicy,
    )
    from lms.models import StaffProfile, StaffStatus

    profiles = list(
        StaffProfile.objects.filter(status=StaffStatus.ACTIVE)
        .order_by("user__username")
        .values_list("user_id", "org_unit_id", "position")[: count + 1]
    )
    cycle = AssessmentCycle.objects.create(
        name="证书基准 2026年第三季度考核",
        starts_on=datetime.date(2026, 7, 1),
        ends_on=datetime.date(2026, 9, 30),
        policy=ScoringPolicy.objects.get(version=1),
        state=CycleState.FINALISED,
    )
    now = timezone.now()
    grades = ["excellent", "good", "pass"]
    results = []
    for i, (user_id, unit_id, position) in enumerate(profiles):
        score = Decimal(60 + i % 40)
        results.append(
            AssessmentResult(
                cycle=cycle,
                user_id=user_id,
                org_unit_id=unit_id,
                position=position,
                knowledge=score,
                satisfaction=Decimal(95) - i % 30,
                efficiency=None if i % 7 == 0 else Decimal(70 + i % 25),
                teamwork=Decimal(65 + i % 30),
                overall=score,
                grade=grades[i % 3],
                eligible=True,
                computed_at=now,
            )
        )
    AssessmentResult.objects.bulk_create(results, batch_size=1000)
    return cycle, [user_id for user_id, _, _ in profiles]


def issue(cycle, users=None) -> tuple[list[int], float]:
    """Issue the cycle's certificates; the rendering they ask for is collected, not run."""
    from assessments.certificates import services

    asked: list[int] = []
    real = services._enqueue_rendering
    services._enqueue_rendering = asked.extend
    try:
        start = time.perf_counter()
        made = services.certificates_issue_for_cycle(cycle=cycle, by=None, users=users)
        seconds = time.perf_counter() - start
    finally:
        services._enqueue_rendering = real
    assert sorted(asked) == sorted(c.pk for c in made), "every new certificate is queued"
    return [c.pk for c in made], seconds


# Child processes -------------------------------------------------------------------------------


def child(args: list[str]) -> dict:
    return json.loads(
        subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.bench_certificates", *args],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.benchmarks.settings"},
        ).stdout.splitlines()[-1]
    )


def first_render(certificate_id: int) -> dict:
    """In a fresh process: load WeasyPrint, render and store one certificate, then compare."""
    start = time.perf_counter()
    import weasyprint

    from assessments.certificates import pdf
    from assessments.models import Certificate

    imported = time.perf_counter() - start
    start = time.perf_counter()
    pdf.warm_up()
    warmed = time.perf_counter() - start
    certificate = Certificate.objects.select_related("template").get(pk=certificate_id)
    start = time.perf_counter()
    pdf.certificate_render(certificate)
    first = time.perf_counter() - start
    assert certificate.rendered_at is not None

    warm, layout = [], []
    for _ in range(12):
        start = time.perf_counter()
        pdf.render_pdf(certificate)
        warm.append(time.perf_counter() - start)
    html, resources = pdf.render_html(certificate)
    font_config, stylesheet = pdf._style()
    fetcher = pdf._fetcher_class()
    for _ in range(12):
        start = time.perf_counter()
        weasyprint.HTML(
            string=html, base_url=pdf.RESOURCE_SCHEME, url_fetcher=fetcher(resources)
        ).render(stylesheets=[stylesheet], font_config=font_config)
        layout.append(time.perf_counter() - start)
    return {
        "import_ms": imported * 1000,
        "warm_up_ms": warmed * 1000,
        "first_ms": first * 1000,
        "warm_ms": statistics.median(warm[4:]) * 1000,
        "layout_ms": statistics.median(layout[4:]) * 1000,
        "bytes": certificate.pdf.size,
    }


def render_worker(batches: list[list[int]]) -> None:
    """A rendering worker: ready (WeasyPrint loaded) -> waits for "go" -> runs its share of
    the rendering tasks."""
    import gc

    from assessments.certificates import pdf
    from assessments.certificates import tasks as certificate_tasks

    pdf.warm_up()  # what a worker does when it starts
    gc.freeze()  # what the worker holds at start-up is never garbage: not scanned again
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.perf_counter()
    cpu = time.process_time()
    for batch in batches:
        certificate_tasks.render_certificates.call(batch)
    print(
        json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu}),
        flush=True,
    )


def render_in_workers(ids: list[int]) -> tuple[float, list[dict]]:
    from assessments.certificates.pdf import render_batches

    tasks = list(render_batches(ids))  # as the issuing enqueued them
    shares = [tasks[i::WORKERS] for i in range(WORKERS)]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.benchmarks.settings"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.benchmarks.bench_certificates", "render"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in shares
    ]
    for worker, share in zip(workers, shares, strict=True):
        worker.stdin.write(json.dumps(share) + "\n")
        worker.stdin.flush()
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    reports = [json.loads(worker.stdout.readline()) for worker in workers]
    seconds = time.perf_counter() - start
    for worker in workers:
        worker.wait(timeout=60)
    return seconds, reports


# The benchmark -----------------------------------------------------------------------------------


def run(ctx: Context) -> list[Row]:
    from django.urls import reverse

    from assessments.models import Certificate
    from tests.benchmarks.harness import percentile

    ctx.dataset  # noqa: B018 - the staff the certificates are for
    log = ctx.log
    log(f"Certificates: a finalised cycle of {COUNT + 1:,} eligible people...")
    cycle, users = finalised_cycle(COUNT)

    # One certificate, rendered first thing in a fresh process.
    (single,), _ = issue(cycle, users=users[:1])
    first = child(["first", str(single)])
    log(
        f"  first render {first['first_ms']:.0f} ms (after {first['import_ms']:.0f} ms import "
        f"+ {first['warm_up_ms']:.0f} ms warm-up)"
    )

    # 1,000 issued and rendered by two workers.
    ids, issue_seconds = issue(cycle)
    log(f"  issued {len(ids):,} in {issue_seconds:.1f} s; rendering with {WORKERS} workers...")
    render_seconds, reports = render_in_workers(ids)
    total = issue_seconds + render_seconds
    rendered = Certificate.objects.filter(pk__in=ids, rendered_at__isnull=False).exclude(pdf="")
    assert rendered.count() == len(ids), "every certificate has its PDF"
    cpu_ms = sum(r["cpu"] for r in reports) / len(ids) * 1000
    log(f"  rendered in {render_seconds:.1f} s ({cpu_ms:.0f} ms CPU a PDF)")

    # Download, by the owner, through gunicorn.
    certificate = Certificate.objects.get(pk=ids[0])
    path = reverse("certificates:download", args=[certificate.pk])
    headers = ctx.session_cookie(certificate.user_id)
    status, body = ctx.server.get(path, headers)
    assert status == 200 and body.startswith(b"%PDF-"), (status, body[:100])
    requests = min(ctx.options.requests, 300)
    for _ in range(min(ctx.options.warmup, 20)):
        ctx.server.get(path, headers)
    result = ctx.server.load(
        path, requests=requests, headers=headers, max_seconds=ctx.options.max_seconds
    )
    assert result.errors == 0, result.statuses
    bare = ctx.server.load("/bench/bare/", requests=requests, max_seconds=10)

    ctx.facts["certificates"] = (
        f"{COUNT:,} assessment certificates of a finalised cycle (people of the data set), "
        f"template {certificate.template.name!r}, A4 landscape with the five parts, the radar "
        f"chart and the QR code; PDF/A-2a, tagged; font Certificate Sans SC (Noto Sans CJK SC "
        f"cut to GB2312 + name characters, TrueType outlines) subset by HarfBuzz; PDF "
        f"{first['bytes'] / 1024:.0f} KB; rendering by {WORKERS} worker processes"
    )
    return [
        Row(
            "certificate: first render in a fresh worker",
            first["first_ms"],
            "ms",
            f"< {FIRST_TARGET_MS} ms",
            first["first_ms"] < FIRST_TARGET_MS,
            f"WeasyPrint's layout of the same page: {first['layout_ms']:.0f} ms; warm render "
            f"{first['warm_ms']:.0f} ms; once a worker, when it starts: loading WeasyPrint "
            f"{first['import_ms']:.0f} ms + warm_up() {first['warm_up_ms']:.0f} ms",
        ),
        Row(
            f"certificates: {len(ids):,} issued end to end ({WORKERS} render workers)",
            total,
            "s",
            f"< {BATCH_TARGET_S} s",
            total < BATCH_TARGET_S,
            f"issuing (one transaction) {issue_seconds:.1f} s + rendering and storing "
            f"{render_seconds:.1f} s; {cpu_ms:.0f} ms CPU a PDF",
        ),
        Row(
            "certificate download: p95, 1 client",
            result.p95_ms,
            "ms",
            f"< {DOWNLOAD_TARGET_MS} ms",
            result.p95_ms < DOWNLOAD_TARGET_MS,
            f"median {result.median_ms:.1f} ms; bare view p95 "
            f"{percentile(bare.latencies, 95) * 1000:.1f} ms; "
            f"{len(result.latencies)} requests",
        ),
    ]


def main(argv: list[str]) -> None:
    import django

    django.setup()
    if argv[0] == "first":
        print(json.dumps(first_render(int(argv[1]))), flush=True)
    elif argv[0] == "render":
        render_worker(json.loads(sys.stdin.readline()))


if __name__ == "__main__":
    main(sys.argv[1:])
