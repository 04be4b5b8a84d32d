"""Assessment cycles: creating one, computing every person's five parts, and finalising.

`cycle_compute` loads the cycle's inputs in a fixed number of set-based queries (the people,
the required quizzes' attempts, the surveys, complaints, efficiency rows, teamwork and drill
evaluations of the window), hands each person's records to the pure `assessments.scoring`,
and replaces the cycle's results in bulk, in one transaction. A finalised cycle is locked:
computing it again is refused, so its results stay as they were finalised.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import (
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
from assessments.models.metrics import EFFICIENCY_FIELDS
from courses.models import DrillEvaluation
from lms.models import StaffProfile, StaffStatus

WRITE_BATCH = 2000
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


def cycle_inputs(
    cycle: AssessmentCycle,
) -> tuple[dict[int, scoring.Person], dict[int, int | None]]:
    """Every assessed person's records for the cycle, and their org unit, by user id (eight
    queries, whatever the number of people)."""
    start, end = _window(cycle)
    # Everyone on the staff for part of the window: hired before its end, not left before it.
    profiles = list(
        StaffProfile.objects.filter(hire_date__lte=cycle.ends_on)
        .exclude(status=StaffStatus.LEFT, left_on__lt=cycle.starts_on)
        .values_list("user_id", "position", "org_unit_id")
    )
    quizzes = {quiz.pk: quiz.title for quiz in cycle.required_quizzes.all().only("pk", "title")}
    attempts = defaultdict(lambda: defaultdict(list))
    for user_id, quiz_id, pk, submitted_at, percent in Attempt.objects.filter(
        quiz_id__in=list(quizzes),
        state=AttemptState.GRADED,
        submitted_at__gte=start,
        submitted_at__lt=end,
        percent__isnull=False,
    ).values_list("user_id", "quiz_id", "pk", "submitted_at", "percent"):
        attempts[user_id][quiz_id].append(scoring.QuizAttempt(pk, submitted_at, percent))

    surveys = defaultdict(list)
    for row in SurveyResult.objects.filter(
        date__gte=cycle.starts_on, date__lte=cycle.ends_on
    ).values_list("user_id", "reference", "source", "scale", "score"):
        surveys[row[0]].append(scoring.Survey(*row[1:]))

    complaints = defaultdict(list)
    for row in Complaint.objects.filter(received_at__gte=start, received_at__lt=end).values_list(
        "user_id", "reference", "category", "company_at_fault", "received_at", "first_contact_at"
    ):
        complaints[row[0]].append(scoring.Complaint(*row[1:]))

    efficiency = defaultdict(list)
    for row in EfficiencyRecord.objects.filter(
        period_start__gte=cycle.starts_on, period_end__lte=cycle.ends_on
    ).values_list("user_id", "period_start", *EFFICIENCY_FIELDS):
        counts = dict(zip(EFFICIENCY_FIELDS, row[2:], strict=True))
        efficiency[row[0]].append(scoring.EfficiencyRow(row[1], counts))

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
    for user_id, position, unit_id in profiles:
        places[user_id] = unit_id
        people[user_id] = scoring.Person(
            position=position,
            quizzes=tuple(
                scoring.RequiredQuiz(
                    quiz_id, title, Decimal(1), tuple(attempts[user_id].get(quiz_id, ()))
                )
                for quiz_id, title in sorted(quizzes.items())
            ),
            surveys=tuple(surveys.get(user_id, ())),
            complaints=tuple(complaints.get(user_id, ())),
            efficiency=tuple(efficiency.get(user_id, ())),
            evaluations=tuple(evaluations.get(user_id, ())),
        )
    return people, places


def cycle_compute(
    cycle: AssessmentCycle, *, on_progress: Callable[[int], None] | None = None
) -> int:
    """Compute (or recompute) every result of a cycle; the number of people assessed."""
    try:
        return _compute(cycle, on_progress)
    finally:
        cache.delete(_progress_key(cycle.pk))


def _compute(cycle: AssessmentCycle, on_progress) -> int:
    with transaction.atomic():
        cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.state == CycleState.FINALISED:
            raise CycleLocked(_("This cycle is finalised: its results can no longer change."))
        policy = cycle.policy.policy
        people, places = cycle_inputs(cycle)
        now = timezone.now()
        results = []
        for done, (user_id, person) in enumerate(sorted(people.items()), start=1):
            assessed = scoring.assess(person, policy)
            results.append(
                AssessmentResult(
                    cycle=cycle,
                    user_id=user_id,
                    org_unit_id=places.get(user_id),
                    position=person.position,
                    knowledge=assessed.score("knowledge"),
                    satisfaction=assessed.score("satisfaction"),
                    efficiency=assessed.score("efficiency"),
                    teamwork=assessed.score("teamwork"),
                    overall=assessed.overall,
                    grade=assessed.grade or "",
                    eligible=assessed.eligible,
                    reasons=list(assessed.reasons),
                    explanation={name: part.explanation for name, part in assessed.parts.items()},
                    computed_at=now,
                )
            )
            if on_progress and done % 500 == 0:
                on_progress(round(90 * done / len(people)))
        AssessmentResult.objects.filter(cycle=cycle).delete()
        AssessmentResult.objects.bulk_create(results, batch_size=WRITE_BATCH)
        AssessmentCycle.objects.filter(pk=cycle.pk).update(
            state=CycleState.COMPUTED, computed_at=now
        )
    if on_progress:
        on_progress(100)
    return len(results)


@transaction.atomic
def cycle_finalise(cycle: AssessmentCycle, *, by) -> AssessmentCycle:
    """Lock a computed cycle: its results stay as they are."""
    cycle = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state != CycleState.COMPUTED:
        raise ValidationError(_("Only a computed cycle can be finalised."))
    cycle.state, cycle.finalised_at, cycle.finalised_by = CycleState.FINALISED, timezone.now(), by
    cycle.save(update_fields=["state", "finalised_at", "finalised_by"])
    return cycle
