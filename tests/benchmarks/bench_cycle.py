"""A quarter's assessment cycle for 50,000 staff: 1,000,000 quiz attempts, 500,000 surveys,
100,000 complaints, 600,000 efficiency rows and 100,000 teamwork evaluations
(`assessments/demo/bench.py`, as `manage.py generate_bench_data --staff 50000` makes them),
computed by `assessments.cycles.cycle_compute` on PostgreSQL.

The floor is one SQL statement that aggregates the same tables over the same window per
person (best percent per quiz and their mean, survey count and mean, complaints at fault and
late, the ten efficiency sums, the evaluations' mean), joined to the people and fetched to
the client: what any computation of the cycle must at least read. The computation itself
runs in a process of its own, several times (the median is reported). It splits the people
into a part per core, each loaded and scored (pure Python, with the explanation of every
part) by a process it forks, while it stores their results, as they come, in its one
transaction (`assessments/cycles/shards.py`). Its steps: loading (until the last part has
loaded its inputs), scoring (until every result is stored) and writing (the commit); its
peak memory is the resident set above what the process held before it started, and the
largest part's process's peak is shown beside it. BENCH_CYCLE_STAFF sets a smaller number
of staff, for a quick look.

The target is 8 x the floor, linear in staff (the project's decision: every result keeps its
stored explanation). The computation keeps both cores busy from start to end, and the CPU it
needs is about eleven times the floor: Python about six (the parts loading their records,
scoring them in Decimal and writing every person's explanation of every part; the first
process passing them on), PostgreSQL about five (reading the inputs, a little more than the
floor reads, as the parts read apart; storing 50,000 rows, each with about 1.6 KB of
explanation, five indexes and three foreign keys checked row by row; deleting the previous
results). Shared by two cores, that is about
5 x the floor; measured 4.6 x. It was 7.5 x on the same machine before the explanations
were kept as JSON text made by orjson rather than as jsonb (whose conversion was three
fifths of the storing), and 50 x before the computation was first made fast for this
benchmark; see `assessments/cycles/compute.py`. Within 3 x would take scoring in the database,
against the design's pure scoring, or storing less than every person's explanation of
every part, which an appeal needs; so the target is 8 x.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.harness import (
    ROOT,
    Context,
    OthersWatch,
    Row,
    descendants,
    wait_until_quiet,
)

TITLE = "Computing a 50,000-staff assessment cycle"
STAFF = int(os.environ.get("BENCH_CYCLE_STAFF", "50000"))
RUNS = int(os.environ.get("BENCH_CYCLE_RUNS", "5"))
FLOOR_RUNS = 3
TARGET_FACTOR = 8

FLOOR_SQL = """
WITH people AS (
    SELECT user_id, position, org_unit_id FROM lms_staffprofile
    WHERE hire_date <= %(ends_on)s AND NOT (status = 'left' AND left_on < %(starts_on)s)
), best AS (
    SELECT user_id, quiz_id, max(percent) AS percent FROM assessments_attempt
    WHERE quiz_id = ANY(%(quizzes)s) AND state = 'graded' AND percent IS NOT NULL
      AND submitted_at >= %(start)s AND submitted_at < %(end)s
    GROUP BY user_id, quiz_id
), knowledge AS (
    SELECT user_id, avg(percent) AS knowledge FROM best GROUP BY user_id
), surveys AS (
    SELECT user_id, count(*) AS surveys, avg(score) AS survey_mean
    FROM assessments_surveyresult
    WHERE date >= %(starts_on)s AND date <= %(ends_on)s GROUP BY user_id
), complaints AS (
    SELECT user_id, count(*) FILTER (WHERE company_at_fault) AS at_fault,
        count(*) FILTER (
            WHERE first_contact_at IS NULL OR first_contact_at - received_at > interval '24 hours'
        ) AS late
    FROM assessments_complaint
    WHERE received_at >= %(start)s AND received_at < %(end)s GROUP BY user_id
), efficiency AS (
    SELECT user_id,
        sum(pickups_on_time) AS a1, sum(pickups) AS a2,
        sum(deliveries_on_time) AS a3, sum(deliveries) AS a4,
        sum(queries_on_time) AS a5, sum(queries) AS a6,
        sum(exceptions_on_time) AS a7, sum(exceptions) AS a8,
        sum(errors) AS a9, sum(items_handled) AS a10
    FROM assessments_efficiencyrecord
    WHERE period_start >= %(starts_on)s AND period_end <= %(ends_on)s GROUP BY user_id
), teamwork AS (
    SELECT user_id, count(*) AS evaluations, avg(score * 100 / max_score) AS teamwork
    FROM assessments_teamworkevaluation
    WHERE date >= %(starts_on)s AND date <= %(ends_on)s GROUP BY user_id
)
SELECT p.user_id, p.position, p.org_unit_id, k.knowledge, s.surveys, s.survey_mean,
    c.at_fault, c.late, e.a1, e.a2, e.a3, e.a4, e.a5, e.a6, e.a7, e.a8, e.a9, e.a10,
    t.evaluations, t.teamwork
FROM people p
    LEFT JOIN knowledge k USING (user_id) LEFT JOIN surveys s USING (user_id)
    LEFT JOIN complaints c USING (user_id) LEFT JOIN efficiency e USING (user_id)
    LEFT JOIN teamwork t USING (user_id)
"""


def floor(cycle) -> tuple[float, int]:
    """(seconds, rows) of the single aggregating statement, fetched to the client."""
    from django.db import connection

    from assessments.cycles.storage import period_of

    start, end = period_of(cycle)
    params = {
        "starts_on": cycle.starts_on,
        "ends_on": cycle.ends_on,
        "start": start,
        "end": end,
        "quizzes": list(cycle.required_quizzes.values_list("pk", flat=True)),
    }
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, params)
        rows = cursor.fetchall()
    return time.perf_counter() - began, len(rows)


def compute_in_worker(cycle_id: int) -> dict:
    """One computation of the cycle in a fresh process (see `worker`)."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench_cycle", str(cycle_id)],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the cycle worker failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def worker(cycle_id: int) -> dict:
    """In the worker process: compute the cycle, timed step by step, and its peak memory,
    and that of the largest of the processes computing its parts (which shares the worker's
    memory as it was when forked, counted in both)."""
    import resource

    from assessments.cycles.compute import _compute
    from assessments.models import AssessmentCycle
    from tests.benchmarks.import_worker import measured

    cycle = AssessmentCycle.objects.get(pk=cycle_id)
    list(AssessmentCycle.objects.filter(pk=cycle_id))  # the connection open before measuring
    steps: dict[str, float] = {}

    def compute() -> dict:
        return {"people": _compute(cycle, None, steps)}

    result = {**measured(compute), **steps}
    result["part_peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


def run(ctx: Context) -> list[Row]:
    from django.db import connection

    from assessments.demo import bench
    from assessments.models import AssessmentCycle, AssessmentResult

    if connection.vendor != "postgresql":
        ctx.log("The cycle benchmark runs on PostgreSQL only: skipped.")
        return []
    ctx.log(f"Generating the cycle's data set for {STAFF:,} staff...")
    began = time.perf_counter()
    data = bench.generate(STAFF, log=lambda text: ctx.log(f"  {text}"))
    generated = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    ctx.log(f"  {generated:.1f} s")
    ctx.facts["cycle data set"] = (
        f"{data.staff:,} staff in {data.org_units:,} org units; {data.attempts:,} graded "
        f"attempts at {data.quizzes} required quizzes, {data.surveys:,} surveys, "
        f"{data.complaints:,} complaints, {data.efficiency:,} weekly efficiency rows, "
        f"{data.evaluations:,} teamwork evaluations, from {data.starts_on} to {data.ends_on}"
    )
    cycle = AssessmentCycle.objects.get(pk=data.cycle_id)

    busy = wait_until_quiet(ctx.options.quiet_wait, ctx.log)
    if busy is not None:
        ctx.facts["other processes' CPU use before the cycle's measures"] = f"{busy:.0%}"
    ctx.log("The floor: one SQL aggregation...")
    floors = [floor(cycle) for _ in range(FLOOR_RUNS)]
    floor_seconds = min(seconds for seconds, _rows in floors)
    assert all(rows == floors[0][1] for _s, rows in floors)
    ctx.log(f"  {floor_seconds:.2f} s")

    ctx.log(f"Computing the cycle {RUNS} times...")
    runs = []
    watch = OthersWatch(lambda: descendants(os.getpid())) if Path("/proc/stat").exists() else None
    for _ in range(RUNS):
        runs.append(compute_in_worker(cycle.pk))
        ctx.log(f"  {runs[-1]['seconds']:.1f} s")
    if watch is not None:
        ctx.facts["other processes' CPU use while computing the cycle"] = (
            f"at least {watch.share():.0%} of the machine (PostgreSQL not counted)"
        )
    assert all(r["people"] == floors[0][1] for r in runs), "people assessed != people"
    assert AssessmentResult.objects.filter(cycle=cycle).count() == floors[0][1]
    seconds = statistics.median(r["seconds"] for r in runs)
    typical = min(runs, key=lambda r: abs(r["seconds"] - seconds))
    target = TARGET_FACTOR * floor_seconds
    peak = max(r["peak_above_mib"] or 0 for r in runs)
    people = f"{data.staff:,} staff"
    return [
        Row(
            f"cycle data set: {people}, {data.records:,} records",
            generated,
            "s",
            target="< 120 s",
            met=generated < 120,
            comparison="generate_bench_data, COPY",
        ),
        Row(
            f"cycle floor: one SQL aggregation over the same tables, {people}",
            floor_seconds,
            "s",
            comparison=f"best of {FLOOR_RUNS}; {floors[0][1]:,} rows fetched",
        ),
        Row(
            f"cycle compute: {people}, end to end (median of {RUNS})",
            seconds,
            "s",
            target=f"≤ {TARGET_FACTOR} x floor ({target:.1f} s)",
            met=seconds <= target,
            comparison=f"{seconds / floor_seconds:.1f} x floor; best "
            f"{min(r['seconds'] for r in runs):.1f} s",
        ),
        Row(
            "cycle compute: loading / scoring / writing",
            f"{typical['loading']:.1f} / {typical['scoring']:.1f} / {typical['writing']:.1f} s",
            comparison="in a process a core, each a part of the people: 8 queries / pure "
            "Python per person, each result streamed to the first process's COPY / the commit",
        ),
        Row(
            "cycle compute: peak memory above the process's start",
            peak,
            "MiB",
            comparison=f"the process held {typical['rss_before_mib']:.0f} MiB before; a "
            f"part's process peaked at {max(r['part_peak_mib'] for r in runs):.0f} MiB "
            "(counting the pages it shares with the first)",
        ),
    ]


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.benchmarks.settings")
    django.setup()
    print(json.dumps(worker(int(sys.argv[1]))))
