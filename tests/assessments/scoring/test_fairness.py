"""Issue 20's fair scoring, in the arithmetic (assessments/scoring/arithmetic.py): the 24-hour
reply charged to the complaint's handler and only once 24 hours have passed (manual 3.3.4,
4.3.1), the parts that apply to a position, efficiency on the policy's bands, and exception
handling's two halves (3.1.5). No database."""

import dataclasses
import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from assessments.scoring.arithmetic import (
    DEFAULT_POLICY,
    PARTS,
    Complaint,
    EfficiencyRow,
    Evaluation,
    Person,
    Survey,
    assess,
    band_score,
    part_shares,
    policy_from_json,
    policy_to_json,
    reply_status,
    satisfaction,
)
from tests.strategies import T0, people

D = Decimal
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)
SURVEYS = (Survey("S1", "phone", "percent", D(90)),)


def handled(*complaints) -> Person:
    """A customer-service agent with one survey (90) who handled `complaints`."""
    return Person(position="customer_service", surveys=SURVEYS, handled=tuple(complaints))


# The 24-hour reply (manual 3.3.4, 4.3.1) ---------------------------------------------------


def test_a_first_contact_exactly_24_hours_after_is_in_time():
    complaint = Complaint("C1", "service", True, T0, T0 + 24 * HOUR, "7")
    assert reply_status(complaint, T0 + 100 * HOUR) == "in_time"
    assert assess(handled(complaint), as_of=T0 + 100 * HOUR).score("satisfaction") == D(90)


def test_a_first_contact_24_hours_and_one_minute_after_is_late():
    complaint = Complaint("C1", "service", False, T0, T0 + 24 * HOUR + MINUTE, "7")
    assert reply_status(complaint, T0 + 100 * HOUR) == "late"
    result = assess(handled(complaint), as_of=T0 + 100 * HOUR)
    # the handler loses the late-reply penalty though the company was not at fault
    assert result.score("satisfaction") == D(90) - DEFAULT_POLICY.late_reply_penalty
    assert result.parts["satisfaction"].explanation["handled"]["complaints"][0]["reply"] == "late"


def test_an_open_complaint_at_23_hours_is_awaiting_a_reply_without_penalty():
    complaint = Complaint("C1", "service", True, T0, None, "7")
    assert reply_status(complaint, T0 + 23 * HOUR) == "awaiting"
    result = assess(handled(complaint), as_of=T0 + 23 * HOUR)
    assert result.score("satisfaction") == D(90)
    explained = result.parts["satisfaction"].explanation["handled"]
    assert explained["awaiting"] == 1 and explained["late"] == 0
    assert explained["complaints"][0] == {
        "reference": "C1",
        "category": "service",
        "reply": "awaiting",
        "penalty": "0",
    }


def test_an_open_complaint_is_late_once_24_hours_have_passed_by_the_cycles_clock():
    complaint = Complaint("C1", "service", True, T0, None, "7")
    assert reply_status(complaint, T0 + 24 * HOUR) == "awaiting"
    assert reply_status(complaint, T0 + 24 * HOUR + MINUTE) == "late"
    assert reply_status(complaint, None) == "awaiting"  # no clock: never late for want of one


def test_the_at_fault_penalty_stays_with_the_person_complained_about_the_late_reply_does_not():
    late = Complaint("C1", "service", True, T0, T0 + 30 * HOUR, "7")
    courier = Person(position="courier", surveys=SURVEYS, complaints=(late,))
    result = assess(courier, as_of=T0 + 100 * HOUR)
    assert result.score("satisfaction") == D(90) - DEFAULT_POLICY.complaint_penalties["service"]
    line = result.parts["satisfaction"].explanation["complaints"][0]
    assert "no_handler" not in line and "late_reply" not in line


def test_a_complaint_without_a_handler_charges_its_reply_to_nobody_and_says_so():
    late = Complaint("C1", "transport", False, T0, T0 + 30 * HOUR, None)
    courier = Person(position="courier", surveys=SURVEYS, complaints=(late,))
    result = assess(courier, as_of=T0 + 100 * HOUR)
    assert result.score("satisfaction") == D(90)
    assert result.parts["satisfaction"].explanation["complaints"] == [
        {
            "reference": "C1",
            "category": "transport",
            "at_fault": False,
            "penalty": "0",
            "no_handler": True,
            "reply": "late",
        }
    ]


@given(people(), st.integers(0, 24 * 60))
def test_awaiting_a_reply_never_penalises(person, minutes):
    """Complaints with no contact yet, at most 24 hours old by the clock, cost nothing: the
    score is the one without them."""
    as_of = T0 + 3000 * HOUR
    received = as_of - datetime.timedelta(minutes=minutes)
    waiting = tuple(
        Complaint(f"W{i}", category, False, received, None, "7")
        for i, category in enumerate(["service", "other"])
    )
    with_waiting = person._replace(handled=(*person.handled, *waiting))
    assert assess(with_waiting, as_of=as_of).score("satisfaction") == assess(
        person, as_of=as_of
    ).score("satisfaction")


@given(people())
def test_handling_a_complaint_never_raises_a_score(person):
    as_of = T0 + 3000 * HOUR
    fewer = person._replace(handled=person.handled[:1])
    more = assess(person, as_of=as_of).score("satisfaction")
    less = assess(fewer, as_of=as_of).score("satisfaction")
    if more is not None:
        assert more <= less


# The parts that apply to a position --------------------------------------------------------

SORTER = Person(
    position="station_staff",
    efficiency=(EfficiencyRow(T0.date(), {"items_handled": 10000, "errors": 2}),),
    evaluations=(Evaluation("team_project", "T1", D(17), D(20)),),
)


def test_satisfaction_does_not_bar_a_sorter_who_never_meets_a_customer():
    from assessments.scoring.arithmetic import QuizAttempt, RequiredQuiz

    sorter = SORTER._replace(quizzes=(RequiredQuiz(1, "q", D(1), (QuizAttempt(1, T0, D(80)),)),))
    result = assess(sorter)
    assert result.score("satisfaction") is None
    explained = result.parts["satisfaction"].explanation
    assert explained["not_applicable"] and explained["if_data"]
    assert "no_satisfaction" not in result.reasons
    assert result.eligible
    # (knowledge 80 x 30 + efficiency 100 x 25 + teamwork 85 x 20) / 75, not / 100
    assert result.overall == D("88.0")


def test_a_counter_clerk_with_surveys_is_scored_on_them():
    clerk = SORTER._replace(surveys=SURVEYS)
    assert assess(clerk).score("satisfaction") == D(90)


def test_a_part_that_does_not_apply_is_left_out_even_with_data():
    policy = dataclasses.replace(
        DEFAULT_POLICY,
        position_parts={"courier": {"knowledge": "required", "efficiency": "required"}},
    )
    courier = Person(
        position="courier",
        surveys=SURVEYS,
        efficiency=(EfficiencyRow(T0.date(), {"deliveries": 100, "deliveries_on_time": 98}),),
    )
    result = assess(courier, policy)
    assert result.score("satisfaction") is None and result.score("teamwork") is None
    assert result.parts["satisfaction"].explanation["not_applicable"]
    assert "if_data" not in result.parts["satisfaction"].explanation
    assert result.reasons == ("no_knowledge",)  # missing, and it applies
    assert result.overall == D(100)


def test_a_part_without_data_that_applies_is_no_data_not_not_applicable():
    courier = Person(position="courier", surveys=())
    result = assess(courier)
    assert "not_applicable" not in result.parts["satisfaction"].explanation
    assert "no_satisfaction" in result.reasons


weights = st.dictionaries(
    st.sampled_from(PARTS), st.decimals(min_value=0, max_value=100, places=2), min_size=4
)


@given(weights, st.sets(st.sampled_from(PARTS)))
def test_the_weights_of_the_parts_that_apply_are_renormalised(weights, applying):
    shares = part_shares(weights, sorted(applying))
    assert set(shares) == applying
    if not applying:
        return
    assert abs(sum(shares.values()) - 1) < D("1e-20")
    assert all(share >= 0 for share in shares.values())
    total = sum(weights[part] for part in applying)
    for part in applying:
        if total > 0:  # proportional to its weight
            assert abs(shares[part] * total - weights[part]) < D("1e-20")
        else:  # equal shares
            assert shares[part] == D(1) / len(applying)


@given(people(), weights.filter(lambda w: sum(w.values()) > 0))
def test_the_overall_is_the_renormalised_mean_of_the_parts_that_apply(person, weights):
    policy = dataclasses.replace(DEFAULT_POLICY, part_weights=weights)
    result = assess(person, policy)
    present = [part for part in PARTS if result.score(part) is not None]
    if not present or sum(weights[p] for p in present) == 0:
        return
    shares = part_shares(weights, present)
    expected = sum(result.score(part) * shares[part] for part in present)
    assert abs(result.overall - expected) <= D("0.05")


# Efficiency bands ---------------------------------------------------------------------------

rates = st.decimals(min_value=0, max_value=1, places=4)


@given(rates, rates, rates, rates)
def test_a_band_is_monotone_and_clamped(a, b, low, high):
    if low == high:
        return
    zero, full = min(low, high), max(low, high)
    first, second = band_score(a, zero, full), band_score(b, zero, full)
    assert D(0) <= first <= D(100)
    if a <= b:
        assert first <= second
    if a <= zero:
        assert first == 0
    if a >= full:
        assert first == 100


def test_the_manuals_limits_mean_something():
    """95 % of pick-ups within 2 hours scores 100, 70 % scores 0, 80 % scores 40."""
    zero, full = DEFAULT_POLICY.measure_bands["pickups"]
    assert band_score(D("0.95"), zero, full) == 100
    assert band_score(D("0.70"), zero, full) == 0
    assert band_score(D("0.80"), zero, full) == 40


def test_exception_handling_measures_contact_and_solution():
    row = EfficiencyRow(
        T0.date(), {"exceptions": 20, "exceptions_on_time": 19, "exceptions_solved": 12}
    )
    result = assess(Person(position="station_staff", efficiency=(row,)))
    lines = {line["measure"]: line for line in result.parts["efficiency"].explanation["measures"]}
    assert lines["exceptions"]["rate"] == "95.0" and lines["exceptions"]["score"] == "100.0"
    # 60 % offered a solution within 2 hours: the band's 0
    assert lines["solutions"]["rate"] == "60.0" and lines["solutions"]["score"] == "0.0"
    assert result.score("efficiency") == D(50)


def test_a_period_without_the_solution_column_is_not_counted_as_no_solution():
    old = EfficiencyRow(T0.date(), {"exceptions": 10, "exceptions_on_time": 10})
    new = EfficiencyRow(
        T0.date(), {"exceptions": 10, "exceptions_on_time": 9, "exceptions_solved": 9}
    )
    result = assess(Person(position="station_staff", efficiency=(old, new)))
    lines = {line["measure"]: line for line in result.parts["efficiency"].explanation["measures"]}
    assert (lines["solutions"]["numerator"], lines["solutions"]["denominator"]) == (9, 10)
    assert (lines["exceptions"]["numerator"], lines["exceptions"]["denominator"]) == (19, 20)
    # summed ahead as a cycle reads them: the solution's own base
    summed = EfficiencyRow(
        T0.date(),
        {
            "exceptions": 20,
            "exceptions_on_time": 19,
            "exceptions_solved": 9,
            "exceptions@solutions": 10,
        },
    )
    assert assess(Person(position="station_staff", efficiency=(summed,))) == result


# Policies as stored --------------------------------------------------------------------------


def test_a_version_written_before_bands_scores_as_it_did():
    """Version 1 (assessments/0009) kept "targets": read as bands from 0, rate / target."""
    from importlib import import_module

    v1 = import_module("assessments.migrations.0009_default_policy").DEFAULT_POLICY
    policy = policy_from_json(v1)
    assert policy.measure_bands["deliveries"] == (D(0), D("0.95"))
    assert policy.position_parts == {}
    assert all(policy.applies("station_staff", part) == "required" for part in PARTS)
    row = EfficiencyRow(T0.date(), {"deliveries": 100, "deliveries_on_time": 80})
    courier = Person(position="courier", efficiency=(row,))
    assert assess(courier, policy).score("efficiency") == D("84.2")  # 80 / 95


def test_the_default_policy_round_trips_through_json():
    assert policy_from_json(policy_to_json(DEFAULT_POLICY)) == DEFAULT_POLICY


def test_satisfaction_keeps_its_old_signature_for_complaints_alone():
    part = satisfaction(SURVEYS, (), DEFAULT_POLICY)
    assert part.score == D(90) and "handled" not in part.explanation
