"""The learner's pages under gunicorn: a lesson and "My learning", next to a bare view.

A learner with finished courses and one in progress is signed in; the lesson is the one they
would continue with, so the page shows the "I have finished this lesson" form. Each URL is
warmed up, then timed twice: one client after another (the latency a person sees: median
and p95), and several clients at once (throughput, and p95 under that load). The bare view
is fetched without a session, so it touches neither the database nor a template.

Throughput is measured with wrk (Debian's package, which `make bench` installs: a client in
C; Python's threads cannot keep up with a bare view), with --clients connections for 10 s, and
read against the bare view's and against the anonymous home page of Wagtail's own starter
site (tests/benchmarks/starter.py), both measured in the same run.

Targets: lesson page p95 under 50 ms; its throughput at least a fifth of the bare view's.
"""

from __future__ import annotations

import time

from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.benchmarks.harness import Context, Row, have_wrk, query_listing
from tests.benchmarks.starter import StarterSite

TITLE = "Learning pages (lesson, My learning) under gunicorn"

LESSON_P95_MS = 50.0
LESSON_SHARE_OF_BARE = 1 / 5
BARE = "/bench/bare/"
MY_LEARNING = "/learning/"


def check_lesson(html: str, data, lesson) -> None:
    """The lesson as its signed-in learner sees it, before finishing it."""
    assert lesson.title in html, "the lesson's title is missing"
    assert data.learner_name in html, "the learner's name is missing: not signed in?"
    action = reverse("learning:lesson_complete", args=[lesson.pk])
    assert f'action="{action}"' in html, "the 'I have finished this lesson' form is missing"


def check_my_learning(html: str, data, lesson) -> None:
    """The learner's courses, with the lesson to continue with."""
    assert data.learner_name in html, "the learner's name is missing: not signed in?"
    assert f'href="{lesson.url}"' in html, "the lesson to continue with is missing"


def queries(path: str, headers: dict[str, str]) -> tuple[int, list[tuple[float, str]], int]:
    """(status, [(seconds, SQL)], size in bytes) of one warm request, served in-process."""
    client = Client(HTTP_HOST="127.0.0.1", headers=headers)
    client.get(path)  # caches filled, as on a warm server
    timings: list[tuple[float, str]] = []

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - start, sql))

    with connection.execute_wrapper(timer):
        response = client.get(path)
    return response.status_code, timings, len(response.content)


def run(ctx: Context) -> list[Row]:
    from courses.models import LessonPage

    data = ctx.dataset
    o = ctx.options
    lesson = LessonPage.objects.get(pk=data.lesson_id)
    signed_in = ctx.session_cookie(data.learner_id)
    pages = [
        ("bare view", BARE, {}, None),
        ("lesson page", lesson.url, signed_in, check_lesson),
        ("My learning", MY_LEARNING, signed_in, check_my_learning),
    ]

    # What each page asks of the database (in-process, same settings and data).
    counted = {}
    for name, path, headers, _check in pages:
        status, sql, size = queries(path, headers)
        assert status == 200, f"{name} ({path}) answered {status} in-process"
        counted[name] = (sql, size)
        ctx.details.append(query_listing(name, path, sql, size))

    server = ctx.server
    results = {}
    for name, path, headers, check in pages:
        status, body = server.get(path, headers)
        assert status == 200, f"{name} ({path}) answered {status}"
        if check:
            check(body.decode(), data, lesson)
        single, loaded = results[name] = timed_page(server, name, path, headers, o)
        ctx.log(
            f"  {name:12} {path}: median {single.median_ms:.1f} ms, p95 {single.p95_ms:.1f} ms "
            f"({len(single.latencies)} requests, 1 client); {loaded.per_second:.0f} req/s, "
            f"p95 {loaded.p95_ms:.1f} ms under load"
        )
    starter = starter_throughput(ctx)

    bare_single, bare_loaded = results["bare view"]
    load_name = load_label(o)
    rows = [
        Row("bare view: median, 1 client", bare_single.median_ms, "ms"),
        Row("bare view: p95, 1 client", bare_single.p95_ms, "ms"),
        Row(f"bare view: throughput, {load_name}", bare_loaded.per_second, "req/s"),
    ]
    starter_share = ""
    if starter is not None:
        starter_share = (
            f"; Wagtail's starter home page {starter.per_second / bare_loaded.per_second:.2f}"
        )
        rows.append(
            Row(
                f"Wagtail's starter home page (anonymous): throughput, {load_name}",
                starter.per_second,
                "req/s",
                comparison=f"{starter.per_second / bare_loaded.per_second:.2f} of bare view "
                f"(about 1/14 expected); p95 {starter.p95_ms:.1f} ms",
            )
        )
    for name in ("lesson page", "My learning"):
        single, loaded = results[name]
        sql, size = counted[name]
        is_lesson = name == "lesson page"
        share = loaded.per_second / bare_loaded.per_second
        rows += [
            Row(
                f"{name}: median, 1 client",
                single.median_ms,
                "ms",
                comparison=f"bare view {bare_single.median_ms:.1f} ms",
            ),
            Row(
                f"{name}: p95, 1 client",
                single.p95_ms,
                "ms",
                target=f"< {LESSON_P95_MS:.0f} ms" if is_lesson else "",
                met=single.p95_ms < LESSON_P95_MS if is_lesson else None,
                comparison=f"bare view {bare_single.p95_ms:.1f} ms",
            ),
            Row(
                f"{name}: p95, {load_name}",
                loaded.p95_ms,
                "ms",
                comparison=f"bare view {bare_loaded.p95_ms:.1f} ms",
            ),
            Row(
                f"{name}: throughput, {load_name}",
                loaded.per_second,
                "req/s",
                target="≥ 1/5 of bare view" if is_lesson else "",
                met=share >= LESSON_SHARE_OF_BARE if is_lesson else None,
                comparison=f"{share:.2f} of bare view ({bare_loaded.per_second:.0f} req/s)"
                + (starter_share if is_lesson else ""),
            ),
            Row(
                f"{name}: SQL queries per view",
                len(sql),
                comparison=f"{sum(t for t, _sql in sql) * 1000:.1f} ms in SQL; "
                f"page {size / 1024:.0f} KB",
            ),
        ]
    return rows


def load_label(o) -> str:
    return f"wrk, {o.clients} connections" if have_wrk() else f"{o.clients} clients"


def timed_page(server, name: str, path: str, headers: dict[str, str], o):
    """The page warmed up, then timed with one client and under load: (single, loaded), both
    checked to have answered 200 every time."""
    server.load(path, requests=o.warmup, clients=2, headers=headers)
    timed = {"requests": o.requests, "headers": headers, "max_seconds": o.max_seconds}
    single = server.load(path, clients=1, **timed)
    loaded = throughput(server, path, headers, o)
    assert not single.errors, f"{name}: answers other than 200: {dict(single.statuses)}"
    assert not loaded.errors, f"{name}: {loaded.errors} failed requests under load"
    return single, loaded


def throughput(server, path: str, headers: dict[str, str], o):
    """Requests a second with `o.clients` at once: wrk when installed (`make bench` installs
    it), else threads of this process (which then limit the bare view's figure)."""
    if have_wrk():
        return server.wrk(
            path, connections=o.clients, seconds=min(o.max_seconds, 10), headers=headers
        )
    return server.load(
        path, requests=o.requests, clients=o.clients, headers=headers, max_seconds=o.max_seconds
    )


def starter_throughput(ctx: Context):
    """Wagtail's starter home page under the same load, served by its own gunicorn with as
    many workers, while ours waits (None without wrk: a Python client cannot keep up)."""
    if not have_wrk():
        return None
    o = ctx.options
    site = StarterSite(workers=o.workers, log=ctx.log)
    try:
        status, body = site.server.get("/")
        assert status == 200 and b"wagtail" in body.lower(), "the starter's home page is missing"
        site.server.load("/", requests=o.warmup, clients=2)
        result = throughput(site.server, "/", {}, o)
        assert not result.errors, f"Wagtail's starter: {result.errors} failed requests"
    finally:
        site.stop()
    ctx.log(f"  Wagtail's starter home page: {result.per_second:.0f} req/s")
    ctx.facts["comparison site"] = (
        "Wagtail's starter site (`wagtail start`, the same Wagtail), production settings, "
        f"SQLite, gunicorn with {o.workers} sync workers, anonymous home page"
    )
    return result
