"""How a cycle's results are written: as rows, by COPY on PostgreSQL, in batches elsewhere."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.db import connection
from django.db.models import F
from django.utils import timezone

from assessments.models.cycles import AssessmentCycle, AssessmentResult
from assessments.scoring import arithmetic
from lms.platform.fields import json_text

WRITE_BATCH = 2000


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


def period_of(cycle: AssessmentCycle) -> tuple[datetime.datetime, datetime.datetime]:
    """The cycle's dates as times in the site's zone: from the first day's start to the last
    day's end."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(cycle.starts_on, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(
        cycle.ends_on + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return start, end


def clock(cycle: AssessmentCycle, now: datetime.datetime) -> datetime.datetime:
    """The moment by which a complaint's 24 hours are counted when it has no reply yet: the
    end of the cycle's period, or `now` (the computation) while the period runs."""
    return min(period_of(cycle)[1], now)


def result_rows(
    cycle: AssessmentCycle, policy: arithmetic.Policy, people: dict, places: dict, now
) -> Iterable[tuple]:
    """Every person's result, scored, as the values of RESULT_FIELDS, by user id; each
    person's records are let go as soon as they are scored."""
    assess = arithmetic.assess
    cycle_id = cycle.pk
    as_of = clock(cycle, now)
    for user_id in sorted(people):
        person = people.pop(user_id)
        assessed = assess(person, policy, as_of)
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
def writer():
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
