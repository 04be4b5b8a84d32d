"""The five-part assessment's arithmetic (assessments/scoring/arithmetic.py): no database."""

import dataclasses
import datetime
import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring.arithmetic import (
    DEFAULT_POLICY,
    MEASURES,
    Band,
    Complaint,
    EfficiencyRow,
    Evaluation,
    Person,
    QuizAttempt,
    RequiredQuiz,
    Survey,
    SurveyTotal,
    assess,
    normalised,
    policy_problems,
)
from tests.strategies import T0, people

D = Decimal
COUNT_FIELDS = sorted({name for pair in MEASURES.values() for name in pair})


def replace(record, **changes):
    """A copy of a record (a named tuple) or of a policy (a dataclass) with `changes`."""
    if dataclasses.is_dataclass(record):
        return dataclasses.replace(record, **changes)
    return record._replace(**changes)


def shuffled(person: Person, seed: int) -> Person:
    rng = random.Random(seed)

    def mix(items):
        items = list(items)
        rng.shuffle(items)
        return tuple(items)

    return replace(
        person,
        quizzes=mix(replace(q, attempts=mix(q.attempts)) for q in person.quizzes),
        surveys=mix(person.surveys),
        complaints=mix(person.complaints),
        efficiency=mix(person.efficiency),
        evaluations=mix(person.evaluations),
    )


@settings(max_examples=200)
@given(people())
def test_every_part_stays_within_0_and_100_with_one_decimal_place(person):
    result = assess(person)
    for part in ("knowledge", "satisfaction", "efficiency", "teamwork", "overall"):
        score = result.score(part)
        if score is not None:
            assert D(0) <= score <= D(100)
            assert score == score.quantize(D("0.1"))


@given(people(), st.integers())
def test_the_order_of_the_rows_never_changes_a_result(person, seed):
    assert assess(shuffled(person, seed)) == assess(person)


@given(people())
def test_the_same_inputs_and_policy_give_the_same_result(person):
    assert assess(person) == assess(person)


@given(people(), st.data())
def test_more_on_time_deliveries_never_lower_efficiency(person, data):
    person = replace(person, position="courier")
    rows = [row for row in person.efficiency if row.counts["deliveries"]]
    if not rows:
        rows = [EfficiencyRow(T0.date(), {"deliveries": 10, "deliveries_on_time": 5})]
        person = replace(person, efficiency=(*person.efficiency, rows[0]))
    row = data.draw(st.sampled_from(rows))
    room = row.counts["deliveries"] - (row.counts.get("deliveries_on_time") or 0)
    more = data.draw(st.integers(0, room))
    better_row = replace(
        row,
        counts={
            **row.counts,
            "deliveries_on_time": (row.counts.get("deliveries_on_time") or 0) + more,
        },
    )
    better = replace(
        person, efficiency=tuple(better_row if r is row else r for r in person.efficiency)
    )
    assert assess(better).score("efficiency") >= assess(person).score("efficiency")


@given(people())
def test_a_part_without_data_is_no_data_never_0(person):
    empty = Person(position=person.position)
    result = assess(empty)
    assert all(result.score(part) is None for part in ("knowledge", "satisfaction", "teamwork"))
    assert result.score("efficiency") is None and result.overall is None
    assert result.grade is None and not result.eligible
    only_complaints = replace(empty, complaints=person.complaints)
    assert assess(only_complaints).score("satisfaction") is None


def test_the_default_policy_is_sound_and_nonsense_is_named():
    assert policy_problems(DEFAULT_POLICY) == []
    lopsided = replace(
        DEFAULT_POLICY, part_weights={**DEFAULT_POLICY.part_weights, "teamwork": D(10)}
    )
    assert policy_problems(lopsided) == [("part_weights_sum", {"total": "90"})]
    upside_down = replace(DEFAULT_POLICY, bands=(Band("excellent", D(60)), Band("pass", D(90))))
    assert [code for code, _params in policy_problems(upside_down)] == ["bands_order"]
    bad_band = replace(
        DEFAULT_POLICY, measure_bands={**DEFAULT_POLICY.measure_bands, "queries": (D(0), D(2))}
    )
    assert policy_problems(bad_band)[0][0] == "measure_band"
    upside_down_band = replace(
        DEFAULT_POLICY,
        measure_bands={**DEFAULT_POLICY.measure_bands, "queries": (D("0.9"), D("0.8"))},
    )
    assert policy_problems(upside_down_band)[0][0] == "measure_band"
    nothing_applies = replace(DEFAULT_POLICY, position_parts={"courier": {}})
    assert policy_problems(nothing_applies) == [("position_no_parts", {"position": "courier"})]


def test_surveys_are_normalised_from_their_own_scale():
    assert normalised(Survey("a", "phone", "1-5", D(5))) == D(100)
    assert normalised(Survey("a", "phone", "1-5", D(4))) == D(75)
    assert normalised(Survey("a", "phone", "0-10", D("8.5"))) == D(85)
    assert normalised(Survey("a", "phone", "percent", D(92))) == D(92)


def test_a_worked_example_with_its_explanation():
    hours = datetime.timedelta(hours=1)
    person = Person(
        position="courier",
        quizzes=(
            RequiredQuiz(
                1,
                "服务规范测验",
                D(1),
                (QuizAttempt(11, T0, D(70)), QuizAttempt(12, T0 + hours, D(90))),
            ),
            RequiredQuiz(2, "入职考试", D(1), ()),  # never attempted: 0, flagged
        ),
        surveys=(
            Survey("S1", "questionnaire", "1-5", D(5)),  # 100
            Survey("S2", "mystery_shopper", "percent", D(85)),  # 85
        ),
        complaints=(
            # at fault: 5; its late reply is its handler's (employee 77), not this courier's
            Complaint("C1", "service", True, T0, T0 + 30 * hours, "77"),
            # not the company's fault, and nobody handled it: explained, no penalty
            Complaint("C2", "transport", False, T0, None),
        ),
        handled=(
            # handled by this courier: late (25 h), not at fault, still 2 off
            Complaint("C3", "information", False, T0, T0 + 25 * hours, "5"),
            # exactly 24 hours: in time
            Complaint("C4", "other", False, T0, T0 + 24 * hours, "5"),
        ),
        efficiency=(
            EfficiencyRow(
                T0.date(),
                {"deliveries": 100, "deliveries_on_time": 95, "items_handled": 200, "errors": 1},
            ),
            EfficiencyRow(T0.date(), {"deliveries": 50, "deliveries_on_time": 38}),
        ),
        evaluations=(
            Evaluation("drill", "D1", D(86), D(100)),
            Evaluation("team_project", "T1", D(17), D(20)),
        ),
    )
    result = assess(person, as_of=T0 + 100 * hours)
    assert result.score("knowledge") == D(45)  # (90 + 0) / 2, the best attempt
    assert result.parts["knowledge"].explanation["quizzes"][1]["missing"] is True
    # (100 + 85) / 2 = 92.5, minus 5 for C1 (at fault) and 2 for C3 (handled, late)
    assert result.score("satisfaction") == D("85.5")
    explained = result.parts["satisfaction"].explanation
    assert explained["penalty"] == "7"
    assert explained["complaints"][1] == {
        "reference": "C2",
        "category": "transport",
        "at_fault": False,
        "penalty": "0",
        "no_handler": True,
        "reply": "late",
    }
    assert explained["handled"]["count"] == 2 and explained["handled"]["late"] == 1
    # deliveries: 133 / 150 summed (never a mean of rates) = 88.67 % on a band from 75 %
    # (0) to 98 % (100) → 59.4; accuracy: 1 - 1/200 = 99.5 % on 99 % to 99.9 % → 55.6;
    # weights 2 and 1 → 58.1
    assert result.score("efficiency") == D("58.1")
    deliveries = result.parts["efficiency"].explanation["measures"][1]
    assert (deliveries["numerator"], deliveries["denominator"]) == (133, 150)
    assert (deliveries["zero"], deliveries["target"]) == ("75.0", "98.0")
    assert result.score("teamwork") == D(85.5)  # (86 + 85) / 2
    # (45 * 30 + 85.5 * 25 + 58.1 * 25 + 85.5 * 20) / 100 = 66.5
    assert result.overall == D("66.5") and result.grade == "pass"
    assert not result.eligible and result.reasons == ("low_knowledge", "low_efficiency")


def totals_of(surveys) -> tuple[SurveyTotal, ...]:
    """The surveys as a database sums them: by source, their normalised scores added up."""
    sums: dict[str, list] = {}
    for survey in surveys:
        count_total = sums.setdefault(survey.source, [0, D(0)])
        count_total[0] += 1
        count_total[1] += normalised(survey)
    return tuple(SurveyTotal(source, count, total) for source, (count, total) in sums.items())


@given(people(), st.integers(0, 6))
def test_surveys_summed_by_source_score_as_the_surveys_themselves(person, split):
    """What `cycles.cycle_inputs` reads on PostgreSQL (the sums) gives what the surveys give,
    explanation included; some single, some summed, too."""
    summed = replace(person, surveys=(), survey_totals=totals_of(person.surveys))
    assert assess(summed) == assess(person)
    mixed = replace(
        person,
        surveys=person.surveys[:split],
        survey_totals=totals_of(person.surveys[split:]),
    )
    assert assess(mixed) == assess(person)
