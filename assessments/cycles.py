"""Assessment cycles: creating one, computing every person's five parts, and finalising.

`cycle_compute` loads the cycle's inputs in a fixed number of set-based queries (the people,
the required quizzes' attempts, the surveys, complaints, efficiency rows, teamwork and drill
evaluations of the window), hands each person's records to the pure `assessments.scoring`,
and replaces the cycle's results in bulk, in one transaction. A finalised cycle is locked:
computing it again is refused, so its results stay as they were finalised.

It is built for size (tests/benchmarks/bench_cycle.py: 50,000 staff and 2,300,000 records in
about 4.6 times one SQL aggregation over the same tables, from 50 times): the database picks
each quiz's attempt, sums the efficiency rows and the surveys (see `cycle_inputs`),
timestamps are read by psycopg's compiled loader, the garbage collector stays off while
millions of short-lived records live, and on PostgreSQL each result is streamed into a COPY
as soon as it is scored, its explanation made into JSON text once, by orjson, and stored as
that text (not jsonb, which PostgreSQL would have to convert). A large cycle on PostgreSQL
is loaded and scored in parts, one per core, each in a process of its own, while this one
stores their results in its transaction (`assessments.cycle_shards`); a small one, or
SQLite, in one process.
"""

from __future__ import annotations

import datetime
import gc
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, transaction
from django.db.models import Case, Count, DecimalField, F, Min, Q, Sum, Value, When, Window
from django.db.models.functions import Coalesce, Greatest, Least, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments import cycle_shards, scoring
from assessments.models import (
    Appeal,
    AppealState,
    AssessmentCycle,
    AssessmentResult,
    Attempt,
    AttemptState,
    CycleState,
    EfficiencyRecord,
    QuizPage,
    ScoringPolicy,
    SurveyResult,
    TeamworkEvaluation,
)
from assessments.models import Complaint as ComplaintModel
from courses.models import DrillEvaluation
from lms.fields import json_text
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


def assessed_people(cycle: AssessmentCycle) -> list[tuple[int, str, int | None]]:
    """(user id, position, org unit id) of everyone the cycle assesses, by user id: everyone
    on the staff for part of the window (hired before its end, not left before it) in a
    position the policy measures: frontline staff, not trainers, HR or managers."""
    return list(
        StaffProfile.objects.filter(
            hire_date__lte=cycle.ends_on,
            position__in=sorted(cycle.policy.policy.position_measures),
        )
        .exclude(status=StaffStatus.LEFT, left_on__lt=cycle.starts_on)
        .values_list("user_id", "position", "org_unit_id")
        .order_by("user_id")
    )


def cycle_inputs(
    cycle: AssessmentCycle, profiles: list[tuple[int, str, int | None]] | None = None
) -> tuple[dict[int, scoring.Person], dict[int, int | None]]:
    """Every assessed person's records for the cycle, as scoring needs them, and their org
    unit, by user id (eight queries, whatever the number of people). `profiles`, a run of
    `assessed_people` by user id, limits it to them (a part of the cycle computed apart).

    The database does what it does best, so that scoring reads one row where there were
    many, with the same outcome: under the "best" and "latest" rules only the attempt that
    rule picks is loaded (the "mean" rule loads them all); a person's efficiency rows
    come summed per count, as scoring would sum them (a measure's counts only from the rows
    where its denominator is above 0): one row holding the sums, dated by the first period;
    on PostgreSQL, whose numeric arithmetic normalises them as exactly as scoring does, the
    surveys come normalised and summed by source (`scoring.SurveyTotal`); and only the
    complaints the company was at fault for are read, the only ones scoring counts or
    explains.
    """
    start, end = _window(cycle)
    policy = cycle.policy.policy
    rule = policy.attempt_rule
    if profiles is None:
        profiles = assessed_people(cycle)
        mine = Q()
    elif profiles:
        mine = Q(user_id__gte=profiles[0][0], user_id__lte=profiles[-1][0])
    else:
        return {}, {}
    quizzes = {quiz.pk: quiz.title for quiz in cycle.required_quizzes.all().only("pk", "title")}
    attempts: dict[tuple[int, int], list] = defaultdict(list)
    sitting = Attempt.objects.filter(
        mine,
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
    QuizAttempt = scoring.QuizAttempt
    for user_id, quiz_id, pk, submitted_at, percent in _rows(
        sitting.values_list("user_id", "quiz_id", "pk", "submitted_at", "percent").order_by()
    ):
        attempts[user_id, quiz_id].append(QuizAttempt(pk, submitted_at, percent))

    surveys, survey_totals = defaultdict(list), defaultdict(list)
    in_window = SurveyResult.objects.filter(
        mine, date__gte=cycle.starts_on, date__lte=cycle.ends_on
    )
    if connection.vendor == "postgresql":
        SurveyTotal = scoring.SurveyTotal
        for user_id, source, count, total in _rows(
            in_window.values("user_id", "source")
            .annotate(count=Count("pk"), total=Sum(_NORMALISED))
            .values_list("user_id", "source", "count", "total")
            .order_by()
        ):
            survey_totals[user_id].append(SurveyTotal(source, count, total))
    else:
        for row in in_window.values_list("user_id", "reference", "source", "scale", "score"):
            surveys[row[0]].append(scoring.Survey(*row[1:]))

    complaints = defaultdict(list)
    Complaint = scoring.Complaint
    for user_id, *row in _rows(
        ComplaintModel.objects.filter(
            mine, received_at__gte=start, received_at__lt=end, company_at_fault=True
        ).values_list(
            "user_id",
            "reference",
            "category",
            "company_at_fault",
            "received_at",
            "first_contact_at",
        )
    ):
        complaints[user_id].append(Complaint(*row))

    efficiency = {}
    sums = {}
    for numerator, denominator in scoring.MEASURES.values():
        counted = Q(**{f"{denominator}__gt": 0})
        sums[f"sum_{denominator}"] = Sum(denominator, filter=counted)
        sums[f"sum_{numerator}"] = Sum(Coalesce(numerator, 0), filter=counted)
    names = [name.removeprefix("sum_") for name in sums]
    EfficiencyRow = scoring.EfficiencyRow
    for user_id, first, *counts in _rows(
        EfficiencyRecord.objects.filter(
            mine, period_start__gte=cycle.starts_on, period_end__lte=cycle.ends_on
        )
        .values("user_id")
        .annotate(first=Min("period_start"), **sums)
        .values_list("user_id", "first", *sums)
        .order_by()
    ):
        efficiency[user_id] = (EfficiencyRow(first, dict(zip(names, counts, strict=True))),)

    evaluations = defaultdict(list)
    Evaluation = scoring.Evaluation
    for user_id, pk, source, score, max_score in TeamworkEvaluation.objects.filter(
        mine, date__gte=cycle.starts_on, date__lte=cycle.ends_on
    ).values_list("user_id", "pk", "source", "score", "max_score"):
        evaluations[user_id].append(Evaluation(source, f"T{pk}", score, max_score))
    for user_id, pk, percent in DrillEvaluation.objects.filter(
        mine, session__starts_at__gte=start, session__starts_at__lt=end, percent__isnull=False
    ).values_list("user_id", "pk", "percent"):
        evaluations[user_id].append(Evaluation("drill", f"D{pk}", percent, scoring.HUNDRED))

    people, places = {}, {}
    one = Decimal(1)
    Person, RequiredQuiz = scoring.Person, scoring.RequiredQuiz
    # A quiz not attempted is the same for everyone (the records are immutable).
    required = [
        (quiz_id, title, RequiredQuiz(quiz_id, title, one, ()))
        for quiz_id, title in sorted(quizzes.items())
    ]
    for user_id, position, unit_id in profiles:
        places[user_id] = unit_id
        people[user_id] = Person(
            position,
            tuple(
                [
                    RequiredQuiz(quiz_id, title, one, tuple(sat))
                    if (sat := attempts.get((user_id, quiz_id)))
                    else missing
                    for quiz_id, title, missing in required
                ]
            ),
            tuple(surveys.get(user_id, ())),
            tuple(complaints.get(user_id, ())),
            efficiency.get(user_id, ()),
            tuple(evaluations.get(user_id, ())),
            tuple(survey_totals.get(user_id, ())),
        )
    return people, places


# A survey's score normalised to 0-100 from its scale, clamped, as `scoring.normalised`
# computes it: exact in PostgreSQL's numeric arithmetic, which divides by 4, 10 or 100, so
# that the sums are the very numbers scoring would add up. (A survey's scale is one of
# scoring.SCALES: SurveyScale's choices.)
_NORMALISED = Greatest(
    Value(scoring.ZERO),
    Least(
        Value(scoring.HUNDRED),
        Case(
            *(
                When(
                    scale=scale,
                    then=(F("score") - Value(low)) * Value(scoring.HUNDRED) / Value(high - low),
                )
                for scale, (low, high) in scoring.SCALES.items()
            ),
            output_field=DecimalField(),
        ),
    ),
)


def _rows(queryset) -> Iterable[tuple]:
    """The rows of a `values_list` query whose SQL's columns are the values_list's, in its
    order: plain columns, an annotation that only filters, or the grouped columns followed by
    their aggregates. Their values come as psycopg reads them (a sum is the database's
    numeric, as Decimal), without Django's converters, which would copy every one.

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
            parts = cycle_shards.parts(profiles) if outermost else None
            if parts:
                loaded = cycle_shards.compute(cycle, policy, parts, now, on_progress)
                lap("loading", at=loaded)
                lap("scoring")
            else:
                people, places = cycle_inputs(cycle, profiles)
                lap("loading")
                AssessmentResult.objects.filter(cycle=cycle).delete()
                with _writer() as write:
                    for done, row in enumerate(result_rows(cycle, policy, people, places, now), 1):
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


def result_rows(
    cycle: AssessmentCycle, policy: scoring.Policy, people: dict, places: dict, now
) -> Iterable[tuple]:
    """Every person's result, scored, as the values of RESULT_FIELDS, by user id; each
    person's records are let go as soon as they are scored."""
    assess = scoring.assess
    cycle_id = cycle.pk
    for user_id in sorted(people):
        person = people.pop(user_id)
        assessed = assess(person, policy)
        parts = assessed.parts
        yield (
            cycle_id,
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


def copy_statement() -> str:
    """The COPY that stores results: the columns of RESULT_FIELDS, in their order."""
    meta = AssessmentResult._meta
    columns = ", ".join(
        connection.ops.quote_name(meta.get_field(name.removesuffix("_id")).column)
        for name in RESULT_FIELDS
    )
    return f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"


def copy_encoder() -> Callable[[tuple], tuple]:
    """The row a COPY takes for a result's values: its JSON made, once, here."""
    reasons: dict[tuple, str] = {}  # a few combinations, over and over

    def encode(row: tuple) -> tuple:
        key = tuple(row[11])
        if (text := reasons.get(key)) is None:
            text = reasons[key] = json_text(row[11])
        return (*row[:11], text, json_text(row[12]), row[13])

    return encode


@contextmanager
def _writer():
    """A function that inserts one result (values of RESULT_FIELDS): COPY on PostgreSQL,
    streamed, bulk_create in batches elsewhere."""
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
    encode = copy_encoder()
    with connection.cursor() as cursor, cursor.cursor.copy(copy_statement()) as copy:
        write_row = copy.write_row

        def add(row: tuple) -> None:
            write_row(encode(row))

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
