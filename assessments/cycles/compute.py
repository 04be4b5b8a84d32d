"""Computing a cycle: every person's five parts scored and stored in one transaction, its
progress kept in the cache for the page."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.cycles import shards, storage
from assessments.cycles.inputs import assessed_people, cycle_inputs
from assessments.models.cycles import AssessmentCycle, AssessmentResult, CycleState
from lms.platform import jobs

PROGRESS_TIMEOUT = 3600


class CycleLocked(ValidationError):
    """The cycle is finalised: nothing may change it."""


def _progress_key(cycle_id: int) -> str:
    return f"cycle-progress:{cycle_id}"


def progress_reporter(cycle: AssessmentCycle) -> Callable[[int], None]:
    """Where a background computation reports its percent, for `cycle_progress`."""

    def report(percent: int) -> None:
        cache.set(_progress_key(cycle.pk), percent, PROGRESS_TIMEOUT)

    return report


def cycle_computing(cycle: AssessmentCycle) -> bool:
    """Whether the cycle's last computation waits for a worker or runs (its task, not a
    timer: a computation whose worker was lost is not "computing"). One query."""
    return jobs.is_alive(cycle.compute_task_id)


def cycle_progress(cycle: AssessmentCycle) -> int | None:
    """Percent done of the computation waiting or running now (a hint kept in the cache: 0
    when the cache has none); None when none is."""
    if not cycle_computing(cycle):
        return None
    return cache.get(_progress_key(cycle.pk)) or 0


def cycles_progress(cycles) -> dict[int, int | None]:
    """`cycle_progress` of many cycles, in one query and one cache read."""
    alive = jobs.alive_among([cycle.compute_task_id for cycle in cycles])
    computing = [cycle.pk for cycle in cycles if cycle.compute_task_id in alive]
    hints = cache.get_many([_progress_key(pk) for pk in computing]) if computing else {}
    return {
        cycle.pk: (hints.get(_progress_key(cycle.pk)) or 0) if cycle.pk in computing else None
        for cycle in cycles
    }


def cycle_last_failure(cycle: AssessmentCycle) -> str:
    """Why the cycle's last computation did not finish ("" when it did, or runs)."""
    return jobs.failure_of(cycle.compute_task_id)


def progress_forget(cycle_id: int) -> None:
    """Drop the progress hint of a computation that will not go on."""
    cache.delete(_progress_key(cycle_id))


def cycle_compute(
    cycle: AssessmentCycle, *, on_progress: Callable[[int], None] | None = None
) -> int:
    """Compute (or recompute) every result of a cycle; the number of people assessed."""
    try:
        return _compute(cycle, on_progress)
    finally:
        cache.delete(_progress_key(cycle.pk))


def _compute(cycle: AssessmentCycle, on_progress, timings: dict | None = None) -> int:
    """The computation; `timings`, when given, receives the seconds of its steps, for the
    benchmark: loading the inputs (computed in parts: until the last part has loaded its
    own), scoring (each result sent to the database as soon as it is made, so that
    PostgreSQL stores it while the next one is scored: until every result is stored) and
    finishing the write (the commit)."""
    clock = time.perf_counter()

    def lap(step: str, at: float | None = None) -> None:
        nonlocal clock
        if timings is not None:
            now = at or time.perf_counter()
            timings[step] = now - clock
            clock = now

    # The other processes cannot see what this transaction's caller wrote and has not
    # committed: parts only when the computation's transaction is the outermost one.
    outermost = not connection.in_atomic_block
    # Millions of short-lived records, none in a reference cycle: the cyclic garbage
    # collector would walk them all again and again, for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
            if cycle.state == CycleState.FINALISED:
                raise CycleLocked(_("This cycle is finalised: its results can no longer change."))
            policy = cycle.policy.policy
            now = timezone.now()
            profiles = assessed_people(cycle)
            total = len(profiles)
            parts = shards.parts(profiles) if outermost else None
            if parts:
                loaded = shards.compute(cycle, policy, parts, now, on_progress)
                lap("loading", at=loaded)
                lap("scoring")
            else:
                people, places = cycle_inputs(cycle, profiles)
                lap("loading")
                AssessmentResult.objects.filter(cycle=cycle).delete()
                with storage.writer() as write:
                    for done, row in enumerate(
                        storage.result_rows(cycle, policy, people, places, now), 1
                    ):
                        write(row)
                        if on_progress and done % 500 == 0:
                            on_progress(round(90 * done / total))
                lap("scoring")
            AssessmentCycle.objects.filter(pk=cycle.pk).update(
                state=CycleState.COMPUTED, computed_at=now
            )
        lap("writing")
    finally:
        if collecting:
            gc.enable()
    if on_progress:
        on_progress(100)
    return total
