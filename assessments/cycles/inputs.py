"""What a cycle's computation reads: the people it assesses and every record of theirs in the
window, loaded in a few set-based queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, DecimalField, F, Min, Q, Sum, Value, When, Window
from django.db.models.functions import Coalesce, Greatest, Least, RowNumber
from django.utils import timezone

from assessments.cycles.storage import _PICKED, period_of
from assessments.models.cycles import AssessmentCycle
from assessments.models.metrics import Complaint as ComplaintModel
from assessments.models.metrics import EfficiencyRecord, SurveyResult, TeamworkEvaluation
from assessments.models.quizzes import Attempt, AttemptState
from assessments.scoring import arithmetic
from courses.models.live import DrillEvaluation, DrillFeeds
from courses.models.pages import ModuleCategory
from lms.models.accounts import StaffProfile, StaffStatus

READ_BATCH = 10_000


def assessed_people(cycle: AssessmentCycle) -> list[tuple[int, str, int | None]]:
    """(user id, position, org unit id) of everyone the cycle assesses, by user id: everyone
    on the staff for part of the window (hired before its end, not left before it) in a
    position the policy measures or gives parts to: frontline staff, not trainers, HR or
    managers."""
    policy = cycle.policy.policy
    return list(
        StaffProfile.objects.filter(
            hire_date__lte=cycle.ends_on,
            position__in=sorted({*policy.position_measures, *policy.position_parts}),
        )
        .exclude(status=StaffStatus.LEFT, left_on__lt=cycle.starts_on)
        .values_list("user_id", "position", "org_unit_id")
        .order_by("user_id")
    )


def cycle_inputs(
    cycle: AssessmentCycle, profiles: list[tuple[int, str, int | None]] | None = None
) -> tuple[dict[int, arithmetic.Person], dict[int, int | None]]:
    """Every assessed person's records for the cycle, as scoring needs them, and their org
    unit, by user id (nine queries, whatever the number of people). `profiles`, a run of
    `assessed_people` by user id, limits it to them (a part of the cycle computed apart).

    The database does what it does best, so that scoring reads one row where there were
    many, with the same outcome: under the "best" and "latest" rules only the attempt that
    rule picks is loaded (the "mean" rule loads them all); a person's efficiency rows
    come summed per count, as scoring would sum them (a measure's counts only from the rows
    where its denominator is above 0): one row holding the sums, dated by the first period;
    on PostgreSQL, whose numeric arithmetic normalises them as exactly as scoring does, the
    surveys come normalised and summed by source (`scoring.SurveyTotal`); of the complaints
    against a person only those the company was at fault for or nobody handled are read, the
    only ones scoring counts or explains, and each person's handled complaints beside them;
    and of the drills, only those that feed teamwork (`DrillPage.feeds`).
    """
    start, end = period_of(cycle)
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
    QuizAttempt = arithmetic.QuizAttempt
    for user_id, quiz_id, pk, submitted_at, percent in _rows(
        sitting.values_list("user_id", "quiz_id", "pk", "submitted_at", "percent").order_by()
    ):
        attempts[user_id, quiz_id].append(QuizAttempt(pk, submitted_at, percent))

    surveys, survey_totals = defaultdict(list), defaultdict(list)
    in_window = SurveyResult.objects.filter(
        mine, date__gte=cycle.starts_on, date__lte=cycle.ends_on
    )
    if connection.vendor == "postgresql":
        SurveyTotal = arithmetic.SurveyTotal
        for user_id, source, count, total in _rows(
            in_window.values("user_id", "source")
            .annotate(count=Count("pk"), total=Sum(_NORMALISED))
            .values_list("user_id", "source", "count", "total")
            .order_by()
        ):
            survey_totals[user_id].append(SurveyTotal(source, count, total))
    else:
        for row in in_window.values_list("user_id", "reference", "source", "scale", "score"):
            surveys[row[0]].append(arithmetic.Survey(*row[1:]))

    complaints, handled = defaultdict(list), defaultdict(list)
    Complaint = arithmetic.Complaint
    columns = ("reference", "category", "company_at_fault", "received_at", "first_contact_at")
    for user_id, *row, handler_id in _rows(
        ComplaintModel.objects.filter(mine, received_at__gte=start, received_at__lt=end)
        .filter(Q(company_at_fault=True) | Q(handler__isnull=True))
        .values_list("user_id", *columns, "handler_id")
    ):
        handler = None if handler_id is None else str(handler_id)
        complaints[user_id].append(Complaint(*row, handler))
    theirs = Q(handler_id__gte=profiles[0][0], handler_id__lte=profiles[-1][0])
    for handler_id, *row in _rows(
        ComplaintModel.objects.filter(theirs, received_at__gte=start, received_at__lt=end)
        .values_list("handler_id", *columns)
        .order_by()
    ):
        handled[handler_id].append(Complaint(*row, str(handler_id)))

    efficiency = {}
    sums = {}
    names = []
    for measure, (numerator, denominator) in arithmetic.MEASURES.items():
        counted = Q(**{f"{denominator}__gt": 0})
        if measure in arithmetic.COUNTED_WHEN_GIVEN:
            # counted only on the rows that give it: its own numerator and denominator
            counted &= Q(**{f"{numerator}__isnull": False})
            sums[f"base_{measure}"] = Sum(denominator, filter=counted)
            names.append(arithmetic.base_key(measure))
        else:
            sums[f"sum_{denominator}"] = Sum(denominator, filter=counted)
            names.append(denominator)
        sums[f"sum_{numerator}"] = Sum(Coalesce(numerator, 0), filter=counted)
        names.append(numerator)
    EfficiencyRow = arithmetic.EfficiencyRow
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
    Evaluation = arithmetic.Evaluation
    for user_id, pk, source, score, max_score in TeamworkEvaluation.objects.filter(
        mine, date__gte=cycle.starts_on, date__lte=cycle.ends_on
    ).values_list("user_id", "pk", "source", "score", "max_score"):
        evaluations[user_id].append(Evaluation(source, f"T{pk}", score, max_score))
    # The drills that feed teamwork: said so on the drill, or by its module (DrillPage.feeds).
    feeds = Q(session__drill__feeds_part=DrillFeeds.TEAMWORK) | Q(
        session__drill__feeds_part=DrillFeeds.MODULE,
        session__drill__module=ModuleCategory.TEAMWORK,
    )
    zone = timezone.get_current_timezone()
    for user_id, pk, percent, title, session, starts_at in DrillEvaluation.objects.filter(
        feeds,
        mine,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
        percent__isnull=False,
    ).values_list(
        "user_id", "pk", "percent", "session__drill__title", "session__title", "session__starts_at"
    ):
        evaluations[user_id].append(
            Evaluation(
                "drill",
                f"D{pk}",
                percent,
                arithmetic.HUNDRED,
                title,
                session,
                starts_at.astimezone(zone).date(),
            )
        )

    people, places = {}, {}
    one = Decimal(1)
    Person, RequiredQuiz = arithmetic.Person, arithmetic.RequiredQuiz
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
            tuple(handled.get(user_id, ())),
        )
    return people, places


# A survey's score normalised to 0-100 from its scale, clamped, as `scoring.normalised`
# computes it: exact in PostgreSQL's numeric arithmetic, which divides by 4, 10 or 100, so
# that the sums are the very numbers scoring would add up. (A survey's scale is one of
# scoring.SCALES: SurveyScale's choices.)
_NORMALISED = Greatest(
    Value(arithmetic.ZERO),
    Least(
        Value(arithmetic.HUNDRED),
        Case(
            *(
                When(
                    scale=scale,
                    then=(F("score") - Value(low)) * Value(arithmetic.HUNDRED) / Value(high - low),
                )
                for scale, (low, high) in arithmetic.SCALES.items()
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
