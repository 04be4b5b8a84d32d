"""Assessment cycles: creating one, computing every person's five parts, and finalising.

`cycle_compute` loads the cycle's inputs in a fixed number of set-based queries (the people,
the required quizzes' attempts, the surveys, complaints, efficiency rows, teamwork and drill
evaluations of the window), hands each person's records to the pure `assessments.scoring`,
and replaces the cycle's results in bulk, in one transaction. A finalised cycle is locked:
computing it again is refused, so its results stay as they were finalised.

It is built for size (tests/benchmarks/bench_cycle.py: 50,000 staff and 2,300,000 records in
about 7 s on two cores, from 42 s): the database picks each quiz's attempt and sums the
efficiency rows (see `cycle_inputs`), timestamps are read by psycopg's compiled loader, the
garbage collector stays off while millions of short-lived records live, and on PostgreSQL
each result is streamed into a COPY as soon as it is scored, its JSON serialised once.
"""

from __future__ import annotations

import datetime
import gc
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, transaction
from django.db.models import F, Min, Q, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments import scoring
from assessments.models import (
    Appeal,
    AppealState,
    AssessmentCycle,
    AssessmentResult,
    Attempt,
    AttemptState,
    Complaint,
    CycleState,
    EfficiencyRecord,
    QuizPage,
    ScoringPolicy,
    SurveyResult,
    TeamworkEvaluation,
)
from courses.models import DrillEvaluation
from lms.models import StaffProfile, StaffStatus

WRITE_BATCH = 2000
READ_BATCH = 10_000
PROGRESS_TIMEOUT = 3600


class CycleLocked(ValidationError):
    """The cycle is finalised: nothing may change it."""


def _window(cycle: AssessmentCycle) -> tuple[datetime.datetime, datetime.datetime]:
    """The cycle's dates as times in the site's zone: from the first day's start to the last
    day's end."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(cycle.starts_on, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        cycle.ends_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return start, end


@transaction.atomic
def cycle_create(
    *,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    policy: ScoringPolicy,
    quizzes: Iterable[QuizPage],
    by=None,
) -> AssessmentCycle:
    """A new draft cycle; ValidationError (by field) and nothing written when it is wrong."""
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if starts_on and ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The cycle cannot end before it starts."))
    if name and AssessmentCycle.objects.filter(name=name).exists():
        errors.setdefault("name", []).append(_("A cycle with this name already exists."))
    if policy is None or not ScoringPolicy.objects.filter(pk=policy.pk).exists():
        errors.setdefault("policy", []).append(_("Choose an existing policy version."))
    if errors:
        raise ValidationError(errors)
    cycle = AssessmentCycle(name=name, starts_on=starts_on, ends_on=ends_on, policy=policy)
    cycle.full_clean()
    cycle.save()
    cycle.required_quizzes.set(list(quizzes))
    return cycle


def _progress_key(cycle_id: int) -> str:
    return f"cycle-progress:{cycle_id}"


def progress_reporter(cycle: AssessmentCycle) -> Callable[[int], None]:
    """Where a background computation reports its percent, for `cycle_progress`."""

    def report(percent: int) -> None:
        cache.set(_progress_key(cycle.pk), percent, PROGRESS_TIMEOUT)

    return report


def cycle_progress(cycle: AssessmentCycle) -> int | None:
    """Percent done of the computation running now; None when none is running."""
    return cache.get(_progress_key(cycle.pk))


def cycle_start_computing(cycle: AssessmentCycle) -> bool:
    """Queue the cycle's computation in the background once the current transaction
    commits, unless one is running already; whether it was queued."""
    from assessments import tasks

    if cycle_progress(cycle) is not None:
        return False

    def start() -> None:
        # Shown as started at once, whenever a worker takes the task.
        progress_reporter(cycle)(0)
        tasks.compute_cycle.enqueue(cycle.pk)

    transaction.on_commit(start)
    return True


def cycle_inputs(
    cycle: AssessmentCycle,
) -> tuple[dict[int, scoring.Person], dict[int, int | None]]:
    """Every assessed person's records for the cycle, as scoring needs them, and their org
    unit, by user id (eight queries, whatever the number of people).

    The database does what it does best, so that scoring reads one row where there were
    many, with the same outcome: under the "best" and "latest" rules only the attempt that
    rule picks is loaded (the "mean" rule loads them all), and a person's efficiency rows
    come summed per count, as scoring would sum them (a measure's counts only from the rows
    where its denominator is above 0): one row holding the sums, dated by the first period.
    """
    start, end = _window(cycle)
    policy = cycle.policy.policy
    rule = policy.attempt_rule
    # Everyone on the staff for part of the window (hired before its end, not left before
    # it) in a position the policy measures: frontline staff, not trainers, HR or managers.
    profiles = list(
        StaffProfile.objects.filter(
            hire_date__lte=cycle.ends_on, position__in=sorted(policy.position_measures)
        )
        .exclude(status=StaffStatus.LEFT, left_on__lt=cycle.starts_on)
        .values_list("user_id", "position", "org_unit_id")
    )
    quizzes = {quiz.pk: quiz.title for quiz in cycle.required_quizzes.all().only("pk", "title")}
    attempts: dict[tuple[int, int], list] = defaultdict(list)
    sitting = Attempt.objects.filter(
        quiz_id__in=list(quizzes),
        state=AttemptState.GRADED,
        submitted_at__gte=start,
        submitted_at__lt=end,
        percent__isnull=False,
    )
    if rule in _PICKED and quizzes:
        # The attempt the rule picks, per person and quiz: the first in the rule's order.
        sitting = sitting.annotate(
            pick=Window(
                RowNumber(), partition_by=[F("user_id"), F("quiz_id")], order_by=_PICKED[rule]
            )
        ).filter(pick=1)
    for user_id, quiz_id, pk, submitted_at, percent in _rows(
        sitting.values_list("user_id", "quiz_id", "pk", "submitted_at", "percent").order_by()
    ):
        attempts[user_id, quiz_id].append(scoring.QuizAttempt(pk, submitted_at, percent))

    surveys = defaultdict(list)
    for row in SurveyResult.objects.filter(
        date__gte=cycle.starts_on, date__lte=cycle.ends_on
    ).values_list("user_id", "reference", "source", "scale", "score"):
        surveys[row[0]].append(scoring.Survey(*row[1:]))

    complaints = defaultdict(list)
    for row in _rows(
        Complaint.objects.filter(received_at__gte=start, received_at__lt=end).values_list(
            "user_id",
            "reference",
            "category",
            "company_at_fault",
            "received_at",
            "first_contact_at",
        )
    ):
        complaints[row[0]].append(scoring.Complaint(*row[1:]))

    efficiency = {}
    sums = {}
    for numerator, denominator in scoring.MEASURES.values():
        counted = Q(**{f"{denominator}__gt": 0})
        sums[f"sum_{denominator}"] = Sum(denominator, filter=counted)
        sums[f"sum_{numerator}"] = Sum(Coalesce(numerator, 0), filter=counted)
    names = [name.removeprefix("sum_") for name in sums]
    for user_id, first, *counts in (
        EfficiencyRecord.objects.filter(
            period_start__gte=cycle.starts_on, period_end__lte=cycle.ends_on
        )
        .values("user_id")
        .annotate(first=Min("period_start"), **sums)
        .values_list("user_id", "first", *sums)
        .order_by()
    ):
        row = scoring.EfficiencyRow(first, dict(zip(names, counts, strict=True)))
        efficiency[user_id] = (row,)

    evaluations = defaultdict(list)
    for user_id, pk, source, score, max_score in TeamworkEvaluation.objects.filter(
        date__gte=cycle.starts_on, date__lte=cycle.ends_on
    ).values_list("user_id", "pk", "source", "score", "max_score"):
        evaluations[user_id].append(scoring.Evaluation(source, f"T{pk}", score, max_score))
    for user_id, pk, percent in DrillEvaluation.objects.filter(
        session__starts_at__gte=start, session__starts_at__lt=end, percent__isnull=False
    ).values_list("user_id", "pk", "percent"):
        evaluations[user_id].append(scoring.Evaluation("drill", f"D{pk}", percent, Decimal(100)))

    people, places = {}, {}
    required = sorted(quizzes.items())
    one = Decimal(1)
    for user_id, position, unit_id in profiles:
        places[user_id] = unit_id
        people[user_id] = scoring.Person(
            position=position,
            quizzes=tuple(
                scoring.RequiredQuiz(
                    quiz_id, title, one, tuple(attempts.get((user_id, quiz_id), ()))
                )
                for quiz_id, title in required
            ),
            surveys=tuple(surveys.get(user_id, ())),
            complaints=tuple(complaints.get(user_id, ())),
            efficiency=efficiency.get(user_id, ()),
            evaluations=tuple(evaluations.get(user_id, ())),
        )
    return people, places


def _rows(queryset) -> Iterable[tuple]:
    """The rows of a `values_list` query that selects plain columns only (an annotation may
    filter, not be selected: the SQL's columns are then the values_list's, in its order).

    On PostgreSQL the timestamps are read with psycopg's own (compiled) loader: Django's,
    which gives each time the connection's time zone, runs in Python and takes four times as
    long, and a large cycle reads hundreds of thousands of times. The moments are the same
    (in the session's time zone, which Django sets to its own).
    """
    if connection.vendor != "postgresql" or not settings.USE_TZ:
        yield from queryset
        return
    import psycopg
    from psycopg.pq import Format

    oid = psycopg.adapters.types["timestamptz"].oid
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # e.g. no quiz required
        return
    with connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader(oid, psycopg.adapters.get_loader(oid, Format.TEXT))
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(READ_BATCH):
            yield from rows


# The order in which a rule picks one attempt (scoring._quiz_percent): the best percent, the
# earliest attempt of equal ones; or the last submitted.
_PICKED = {
    "best": [F("percent").desc(), F("pk").asc()],
    "latest": [F("submitted_at").desc(), F("pk").desc()],
}
RESULT_FIELDS = (
    "cycle_id", "user_id", "org_unit_id", "position", "knowledge", "satisfaction",
    "efficiency", "teamwork", "overall", "grade", "eligible", "reasons", "explanation",
    "computed_at",
)  # fmt: skip


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
    benchmark: loading the inputs, scoring (each result sent to the database as soon as it
    is made, so that PostgreSQL stores it while the next one is scored) and finishing the
    write."""
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        if timings is not None:
            now = time.perf_counter()
            timings[step] = now - clock
            clock = now

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
            people, places = cycle_inputs(cycle)
            lap("loading")
            now = timezone.now()
            total = len(people)
            AssessmentResult.objects.filter(cycle=cycle).delete()
            with _writer() as write:
                for done, user_id in enumerate(sorted(people), start=1):
                    person = people.pop(user_id)  # its records can go once it is scored
                    assessed = scoring.assess(person, policy)
                    parts = assessed.parts
                    write(
                        (
                            cycle.pk,
                            user_id,
                            places.get(user_id),
                            person.position,
                            parts["knowledge"].score,
                            parts["satisfaction"].score,
                            parts["efficiency"].score,
                            parts["teamwork"].score,
                            assessed.overall,
                            assessed.grade or "",
                            assessed.eligible,
                            list(assessed.reasons),
                            {name: part.explanation for name, part in parts.items()},
                            now,
                        )
                    )
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


@contextmanager
def _writer():
    """A function that inserts one result (values of RESULT_FIELDS): COPY on PostgreSQL,
    streamed (the JSON serialised once, here), bulk_create in batches elsewhere."""
    if connection.vendor != "postgresql":
        batch: list[AssessmentResult] = []

        def add(row: tuple) -> None:
            batch.append(AssessmentResult(**dict(zip(RESULT_FIELDS, row, strict=True))))
            if len(batch) >= WRITE_BATCH:
                AssessmentResult.objects.bulk_create(batch)
                batch.clear()

        yield add
        AssessmentResult.objects.bulk_create(batch)
        return
    meta = AssessmentResult._meta
    columns = ", ".join(
        connection.ops.quote_name(meta.get_field(name.removesuffix("_id")).column)
        for name in RESULT_FIELDS
    )
    # Plain data, no cycles: no need to look for any.
    dumps = json.JSONEncoder(check_circular=False, separators=(",", ":")).encode
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        ) as copy,
    ):
        write_row = copy.write_row

        def add(row: tuple) -> None:
            write_row((*row[:11], dumps(row[11]), dumps(row[12]), row[13]))

        yield add


@transaction.atomic
def cycle_finalise(cycle: AssessmentCycle, *, by) -> AssessmentCycle:
    """Lock a computed cycle: its results stay as they are."""
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state != CycleState.COMPUTED:
        raise ValidationError(_("Only a computed cycle can be finalised."))
    waiting = Appeal.objects.filter(cycle=cycle, state=AppealState.OPEN).count()
    if waiting:
        raise ValidationError(
            ngettext(
                "%(count)s appeal is waiting for an answer: answer it before finalising.",
                "%(count)s appeals are waiting for an answer: answer them before finalising.",
                waiting,
            )
            % {"count": waiting}
        )
    cycle.state, cycle.finalised_at, cycle.finalised_by = CycleState.FINALISED, timezone.now(), by
    cycle.save(update_fields=["state", "finalised_at", "finalised_by"])
    return cycle
