"""Computing an assessment cycle (assessments/cycles/compute.py): set-based loading, bulk results,
recomputing, a finalised cycle that nothing changes, and a large cycle computed in parts
(assessments/cycles/shards.py)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from assessments.cycles import compute as cycles_compute
from assessments.cycles import inputs, services, shards, storage
from assessments.models import (
    AssessmentCycle,
    AssessmentResult,
    Complaint,
    CycleState,
    EfficiencyRecord,
    ScoringPolicy,
    SurveyResult,
    TeamworkEvaluation,
)
from lms.roles import Role

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)


def give_data(user, n=0):
    SurveyResult.objects.create(
        user=user,
        reference=f"S-{user.pk}-{n}",
        date=OCTOBER + datetime.timedelta(days=3),
        source="phone",
        score=Decimal(4),
        scale="1-5",
    )
    SurveyResult.objects.create(
        user=user,
        reference=f"S-old-{user.pk}-{n}",
        date=OCTOBER - datetime.timedelta(days=3),  # before the window: not counted
        source="phone",
        score=Decimal(1),
        scale="1-5",
    )
    week = OCTOBER + datetime.timedelta(weeks=n)
    EfficiencyRecord.objects.create(
        user=user,
        period_start=week,
        period_end=week + datetime.timedelta(days=6),
        deliveries=100,
        deliveries_on_time=95,
    )
    TeamworkEvaluation.objects.create(
        user=user,
        date=week + datetime.timedelta(days=3),
        source="team_project",
        evaluator="林海峰",
        score=Decimal(18),
        max_score=Decimal(20),
    )


FRONTLINE = ("learner", "colleague", "xihu", "south")  # the couriers of `people`


def test_a_cycle_is_computed_for_everyone_with_their_explanations(people, cycle):
    learner = people["learner"].user
    give_data(learner)
    assert cycles_compute.cycle_compute(cycle) == len(FRONTLINE)
    cycle.refresh_from_db()
    assert cycle.state == CycleState.COMPUTED and cycle.computed_at

    mine = AssessmentResult.objects.get(cycle=cycle, user=learner)
    assert mine.satisfaction == Decimal(75)  # 4 on 1-5; the survey before the window is left out
    # 95 % on time on the deliveries' band: 75 % scores 0, 98 % scores 100
    assert mine.efficiency == Decimal(87)
    assert mine.teamwork == Decimal(90)
    assert mine.knowledge is None and not mine.eligible and "no_knowledge" in mine.reasons
    assert mine.explanation["satisfaction"]["sources"] == [
        {"source": "phone", "count": 1, "mean": "75.0", "weight": "1"}
    ]
    assert mine.org_unit == people["learner"].org_unit and mine.position == "courier"
    nobody = AssessmentResult.objects.get(cycle=cycle, user=people["colleague"].user)
    assert (nobody.satisfaction, nobody.efficiency, nobody.overall) == (None, None, None)


def test_an_explanation_keeps_any_text_of_the_records_exactly(people, cycle):
    # Stored as JSON text, through COPY on PostgreSQL: quotes, backslashes, tabs, line
    # breaks and Chinese in a complaint's reference all come back as they were.
    learner = people["learner"].user
    reference = 'C-投诉\t"一"\\二\n三'
    Complaint.objects.create(
        user=learner,
        reference=reference,
        received_at=datetime.datetime(2026, 10, 5, 9, tzinfo=datetime.UTC),
        category="service",
        company_at_fault=True,
    )
    cycles_compute.cycle_compute(cycle)
    mine = AssessmentResult.objects.get(cycle=cycle, user=learner)
    assert [c["reference"] for c in mine.explanation["satisfaction"]["complaints"]] == [reference]
    (read,) = AssessmentResult.objects.filter(pk=mine.pk).values_list("explanation", flat=True)
    assert read == mine.explanation


def test_a_result_survives_dumpdata_and_loaddata_with_its_explanation(people, cycle):
    # As an operator moving a site from SQLite to PostgreSQL with Django's serialisers does.
    give_data(people["learner"].user)
    cycles_compute.cycle_compute(cycle)
    result = AssessmentResult.objects.get(cycle=cycle, user=people["learner"].user)
    dumped = serializers.serialize("json", [result])
    assert '"explanation": {"' in dumped  # the data itself, not a text of it
    AssessmentResult.objects.filter(pk=result.pk).delete()
    (loaded,) = serializers.deserialize("json", dumped)
    loaded.save()
    again = AssessmentResult.objects.get(pk=result.pk)
    assert again.explanation == result.explanation and again.explanation["teamwork"]


def test_only_the_positions_the_policy_measures_are_assessed(people, cycle):
    # The trainer, HR and the manager have no efficiency measures: they are not assessed.
    cycles_compute.cycle_compute(cycle)
    assessed = set(AssessmentResult.objects.filter(cycle=cycle).values_list("user", flat=True))
    assert assessed == {people[key].user.pk for key in FRONTLINE}


def test_loading_costs_the_same_queries_for_3_or_30_people(people, make_staff, cycle):
    for profile in list(people.values())[:3]:
        give_data(profile.user)
    with CaptureQueriesContext(connection) as few:
        cycles_compute.cycle_compute(cycle)
    for n in range(30):
        give_data(make_staff("pudong-team", roles=[Role.LEARNER], number=f"Q{n:03d}").user)
    with CaptureQueriesContext(connection) as many:
        cycles_compute.cycle_compute(cycle)
    assert len(many) == len(few) <= 16
    assert AssessmentResult.objects.filter(cycle=cycle).count() == len(FRONTLINE) + 30


def test_recomputing_takes_new_data_and_a_finalised_cycle_never_changes(people, cycle):
    learner = people["learner"].user
    cycles_compute.cycle_compute(cycle)
    assert AssessmentResult.objects.get(cycle=cycle, user=learner).satisfaction is None
    give_data(learner)
    cycles_compute.cycle_compute(cycle)
    assert AssessmentResult.objects.get(cycle=cycle, user=learner).satisfaction == Decimal(75)

    services.cycle_finalise(cycle, by=people["hr"].user)
    give_data(learner, n=1)  # a late import
    with pytest.raises(cycles_compute.CycleLocked):
        cycles_compute.cycle_compute(cycle)
    result = AssessmentResult.objects.get(cycle=cycle, user=learner)
    assert result.teamwork == Decimal(90) and result.computed_at
    with pytest.raises(cycles_compute.ValidationError):
        services.cycle_finalise(cycle, by=people["hr"].user)  # already final


def test_the_command_computes_a_cycle_by_name(people, cycle):
    out = io.StringIO()
    call_command("compute_cycle", cycle.name, "--no-progress", stdout=out)
    assert f"{len(FRONTLINE)} people assessed" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("compute_cycle", "no such cycle", "--no-progress")


def test_the_default_policy_is_version_2_and_sound_and_version_1_is_kept():
    from assessments.scoring.arithmetic import DEFAULT_POLICY, policy_problems

    stored = ScoringPolicy.objects.get(version=2).policy
    assert stored == DEFAULT_POLICY and policy_problems(stored) == []
    first = ScoringPolicy.objects.get(version=1).policy
    assert policy_problems(first) == [] and first.position_parts == {}


def test_a_cycle_computes_as_a_background_task(people, cycle):
    from assessments.cycles import tasks

    result = tasks.compute_cycle.enqueue(cycle.pk)
    assert result.return_value == {"people": len(FRONTLINE)}
    assert AssessmentResult.objects.filter(cycle=cycle).count() == len(FRONTLINE)
    assert cycles_compute.cycle_progress(cycle) is None  # nothing running any more


def stored(cycle) -> dict:
    """Every stored result of the cycle, all but its id, by person."""
    return {
        row["user_id"]: {name: value for name, value in row.items() if name != "id"}
        for row in AssessmentResult.objects.filter(cycle=cycle).values()
    }


@pytest.fixture
def in_parts(monkeypatch):
    """Any cycle computed in two parts, whatever the number of people and cores."""
    monkeypatch.setattr(shards, "MIN_PEOPLE_PER_PART", 1)
    monkeypatch.setattr(shards, "_cores", lambda: 2)


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a cycle is computed in parts on PostgreSQL only"
)


# Parts run in other processes, which see committed data only: the test commits.
@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_cycle_computed_in_parts_stores_what_one_process_stores(
    people, cycle, in_parts, monkeypatch
):
    for n, key in enumerate(FRONTLINE[:3]):
        give_data(people[key].user, n)
    assert len(shards.parts(inputs.assessed_people(cycle))) == 2
    computed = []
    compute = shards.compute
    monkeypatch.setattr(
        shards, "compute", lambda *args: computed.append(args[2]) or compute(*args)
    )
    progress = []
    assert cycles_compute.cycle_compute(cycle, on_progress=progress.append) == len(FRONTLINE)
    assert progress[-1] == 100 and progress == sorted(progress)
    in_two = stored(cycle)
    assert len(in_two) == len(FRONTLINE) and [len(part) for part in computed[0]] == [2, 2]

    with transaction.atomic():  # inside a transaction: in one process
        cycles_compute.cycle_compute(cycle)
    in_one = stored(cycle)
    for user_id, result in in_one.items():
        assert result["computed_at"] > in_two[user_id].pop("computed_at")
        del result["computed_at"]
    assert in_one == in_two


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_part_that_fails_leaves_the_previous_results(people, cycle, in_parts, monkeypatch):
    learner = people["learner"].user
    give_data(learner)
    cycles_compute.cycle_compute(cycle)
    before = stored(cycle)
    SurveyResult.objects.filter(user=learner).update(score=Decimal(5))
    scored = storage.result_rows

    def failing(cycle, policy, people, places, now):
        if learner.pk in people:
            raise RuntimeError("no more memory")
        yield from scored(cycle, policy, people, places, now)

    monkeypatch.setattr(storage, "result_rows", failing)  # in the parts' processes too
    with pytest.raises(shards.PartFailed, match="no more memory"):
        cycles_compute.cycle_compute(cycle)
    assert stored(cycle) == before
    assert AssessmentCycle.objects.get(pk=cycle.pk).state == CycleState.COMPUTED
