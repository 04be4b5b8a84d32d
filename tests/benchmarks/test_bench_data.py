"""The cycle benchmark's data generator (`generate_bench_data`) and the cycle it computes, on a
small data set, so neither can rot; and the computation's shortcuts against plain scoring.

Speed itself is measured by `make bench` (tests/benchmarks/bench_cycle.py), never here.
"""

import datetime
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from assessments.cycles import compute, inputs, storage
from assessments.demo import bench
from assessments.models import (
    AssessmentCycle,
    AssessmentResult,
    Attempt,
    Complaint,
    EfficiencyRecord,
    ScoringPolicy,
    SurveyResult,
    TeamworkEvaluation,
)
from assessments.models.metrics import EFFICIENCY_FIELDS
from assessments.scoring import arithmetic
from lms.models import StaffProfile
from tests.benchmarks import bench_cycle

pytestmark = pytest.mark.django_db

STAFF = 50


@pytest.fixture
def data():
    return bench.generate(STAFF, seed=7)


def test_the_volumes_scale_with_the_staff_and_stay_in_the_quarter(data):
    assert StaffProfile.objects.count() == data.staff == STAFF
    assert Attempt.objects.count() == data.attempts == 20 * STAFF
    assert SurveyResult.objects.count() == data.surveys == 10 * STAFF
    assert Complaint.objects.count() == data.complaints == 2 * STAFF
    assert EfficiencyRecord.objects.count() == data.efficiency == 12 * STAFF
    assert TeamworkEvaluation.objects.count() == data.evaluations == 2 * STAFF
    first, last = data.starts_on, data.ends_on
    assert first.day == 1 and first.month in (1, 4, 7, 10) and last < datetime.date.today()
    assert not SurveyResult.objects.exclude(date__range=(first, last)).exists()
    assert not EfficiencyRecord.objects.exclude(period_start__gte=first, period_end__lte=last)
    cycle = AssessmentCycle.objects.get(name=bench.CYCLE_NAME)
    assert (cycle.pk, cycle.starts_on, cycle.ends_on) == (data.cycle_id, first, last)
    assert cycle.required_quizzes.count() == data.quizzes == 4
    with pytest.raises(RuntimeError):
        bench.generate(STAFF)


def test_the_cycle_computes_and_the_command_refuses_a_database_with_staff(data):
    out = io.StringIO()
    call_command("compute_cycle", bench.CYCLE_NAME, "--no-progress", stdout=out)
    assert f"{STAFF} people assessed" in out.getvalue()
    results = AssessmentResult.objects.filter(cycle_id=data.cycle_id)
    assert results.count() == STAFF
    # A realistic spread: most people have every part, the grades vary.
    assert results.filter(overall__isnull=False).count() == STAFF
    assert len(set(results.values_list("grade", flat=True))) >= 2
    assert results.filter(eligible=True).exists() and results.filter(eligible=False).exists()
    with pytest.raises(CommandError, match="already has staff"):
        call_command("generate_bench_data", "--staff", "5")


def test_the_command_fills_an_empty_database():
    out = io.StringIO()
    call_command("generate_bench_data", "--staff", "10", stdout=out)
    assert "10 staff" in out.getvalue() and "200 attempts" in out.getvalue()
    assert AssessmentCycle.objects.filter(name=bench.CYCLE_NAME).exists()


def everyone_in_full(cycle) -> dict[int, arithmetic.Person]:
    """Every person's records, every row of them, with nothing done by the database."""
    start, end = inputs.period_of(cycle)
    quizzes = dict(cycle.required_quizzes.values_list("pk", "title"))
    attempts = defaultdict(list)
    for a in Attempt.objects.filter(quiz_id__in=quizzes, state="graded"):
        if a.percent is not None and start <= a.submitted_at < end:
            attempts[a.user_id, a.quiz_id].append(
                arithmetic.QuizAttempt(a.pk, a.submitted_at, a.percent)
            )
    surveys, complaints, handled, rows, evaluations = (defaultdict(list) for _ in range(5))
    for s in SurveyResult.objects.filter(date__range=(cycle.starts_on, cycle.ends_on)):
        surveys[s.user_id].append(arithmetic.Survey(s.reference, s.source, s.scale, s.score))
    for c in Complaint.objects.filter(received_at__gte=start, received_at__lt=end):
        handler = None if c.handler_id is None else str(c.handler_id)
        complaint = arithmetic.Complaint(
            c.reference, c.category, c.company_at_fault, c.received_at, c.first_contact_at, handler
        )
        complaints[c.user_id].append(complaint)
        if c.handler_id is not None:
            handled[c.handler_id].append(complaint)
    for e in EfficiencyRecord.objects.filter(
        period_start__gte=cycle.starts_on, period_end__lte=cycle.ends_on
    ):
        counts = {name: getattr(e, name) for name in EFFICIENCY_FIELDS}
        rows[e.user_id].append(arithmetic.EfficiencyRow(e.period_start, counts))
    for t in TeamworkEvaluation.objects.filter(date__range=(cycle.starts_on, cycle.ends_on)):
        evaluations[t.user_id].append(
            arithmetic.Evaluation(t.source, f"T{t.pk}", t.score, t.max_score)
        )
    return {
        p.user_id: arithmetic.Person(
            position=p.position,
            quizzes=tuple(
                arithmetic.RequiredQuiz(pk, title, Decimal(1), tuple(attempts[p.user_id, pk]))
                for pk, title in sorted(quizzes.items())
            ),
            surveys=tuple(surveys[p.user_id]),
            complaints=tuple(complaints[p.user_id]),
            efficiency=tuple(rows[p.user_id]),
            evaluations=tuple(evaluations[p.user_id]),
            handled=tuple(handled[p.user_id]),
        )
        for p in StaffProfile.objects.all()
    }


@pytest.mark.parametrize("rule", arithmetic.ATTEMPT_RULES)
def test_the_computation_gives_what_scoring_every_record_gives(data, rule):
    """The picked attempts and summed efficiency rows change no result, under every rule."""
    cycle = AssessmentCycle.objects.get(pk=data.cycle_id)
    policy = arithmetic.Policy(**{**vars(arithmetic.DEFAULT_POLICY), "attempt_rule": rule})
    latest = ScoringPolicy.objects.order_by("-version")[0].version
    cycle.policy = ScoringPolicy.objects.create(
        version=latest + 1, data=arithmetic.policy_to_json(policy)
    )
    cycle.save()
    # Ties and a person with nothing measured: the rules' second keys and empty sums count.
    first = Attempt.objects.order_by("pk").first()
    Attempt.objects.filter(user_id=first.user_id, quiz_id=first.quiz_id).update(
        percent=Decimal("77.7"), submitted_at=first.submitted_at
    )
    EfficiencyRecord.objects.filter(user_id=first.user_id).update(
        **dict.fromkeys(EFFICIENCY_FIELDS, None)
    )
    EfficiencyRecord.objects.filter(pk=EfficiencyRecord.objects.order_by("-pk")[0].pk).update(
        errors=None, pickups_on_time=None, exceptions=0, exceptions_on_time=0, exceptions_solved=0
    )
    # A week without the solution column: not counted for solutions, counted for contacts.
    EfficiencyRecord.objects.filter(pk=EfficiencyRecord.objects.order_by("-pk")[1].pk).update(
        exceptions_solved=None
    )
    compute.cycle_compute(cycle)
    cycle.refresh_from_db()
    as_of = storage.clock(cycle, cycle.computed_at)
    stored = {r.user_id: r for r in AssessmentResult.objects.filter(cycle=cycle)}
    people = everyone_in_full(cycle)
    assert set(stored) == set(people)
    for user_id, person in people.items():
        expected = arithmetic.assess(person, policy, as_of)
        result = stored[user_id]
        for part in arithmetic.PARTS:
            assert getattr(result, part) == expected.parts[part].score
            assert result.explanation[part] == expected.parts[part].explanation
        assert (result.overall, result.grade, result.eligible, result.reasons) == (
            expected.overall,
            expected.grade or "",
            expected.eligible,
            list(expected.reasons),
        )


def test_the_floor_statement_runs(data):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the floor statement is PostgreSQL's")
    seconds, rows = bench_cycle.floor(AssessmentCycle.objects.get(pk=data.cycle_id))
    assert rows == STAFF and seconds >= 0


def test_the_learning_data_set_and_its_quiz_can_follow_in_the_same_database(data):
    """`make bench` runs the cycle's benchmark first, then the others in the same database."""
    from tests.benchmarks.data import generate
    from tests.benchmarks.quiz_data import quiz_generate

    learning = generate(staff=20, completions=100, courses=2, lessons_per_course=3)
    assert StaffProfile.objects.count() == STAFF + 20
    quiz = quiz_generate(learners=2, questions=12, per_quiz=6, exclude=(learning.learner_id,))
    assert len(quiz.attempt_ids) == 2
