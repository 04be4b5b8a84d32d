"""Item analysis: worked examples, checked by hand and against `statistics`."""

import statistics
from decimal import Decimal as D
from fractions import Fraction

import pytest

from assessments.quizzes.analysis import (
    Analysis,
    AttemptRecord,
    ItemRecord,
    ItemStatistics,
    OptionFrequency,
    analyse,
)


def attempt(*items, marks=None):
    """An attempt at a quiz of equally weighted questions: (fraction, chosen) per question."""
    marks = marks or [1] * len(items)
    weights = [Fraction(m, sum(marks)) for m in marks]
    total = sum(Fraction(f) * w for (f, _), w in zip(items, weights, strict=True))
    return AttemptRecord(
        total=total,
        items={
            f"Q{i + 1}": ItemRecord(D(f), w, chosen)
            for i, ((f, chosen), w) in enumerate(zip(items, weights, strict=True))
        },
    )


@pytest.fixture
def five_attempts():
    # Q1: single choice, options "A" (right) to "D"; Q2 and Q3: right or wrong.
    return [
        attempt((1, {"A"}), (1, ()), (1, ())),
        attempt((1, {"A"}), (1, ()), (0, ())),
        attempt((0, {"B"}), (1, ()), (0, ())),
        attempt((0, {"C"}), (0, ()), (0, ())),
        attempt((0, ()), (0, ()), (1, ())),
    ]


def test_facility_discrimination_and_options(five_attempts):
    result = analyse(five_attempts, options={"Q1": ["A", "B", "C", "D"]})
    assert result.attempts == 5
    assert list(result.questions) == ["Q1", "Q2", "Q3"]
    q1 = result.questions["Q1"]
    assert q1.attempts == 5
    assert q1.facility == D("40.00")
    assert q1.options == (
        OptionFrequency("A", 2, D("40.00")),
        OptionFrequency("B", 1, D("20.00")),
        OptionFrequency("C", 1, D("20.00")),
        OptionFrequency("D", 0, D("0.00")),  # declared, chosen by nobody
    )
    assert q1.no_option == 1
    # Q1 against the rest (Q2 + Q3): [1,1,0,0,0] vs [2,1,1,0,1] (in thirds of the quiz).
    expected = statistics.correlation([1, 1, 0, 0, 0], [2, 1, 1, 0, 1])
    assert q1.discrimination == D(str(round(expected, 4)))
    assert q1.discrimination == D("0.6455")
    assert q1.standard_deviation == D(str(round(100 * statistics.stdev([1, 1, 0, 0, 0]), 2)))


def test_discrimination_leaves_the_item_out_of_the_total():
    # Q1 and Q2 are independent: each correlates with the total (which includes it),
    # but not at all with the rest of the test (the other one).
    attempts = [
        attempt((1, ()), (1, ())),
        attempt((0, ()), (1, ())),
        attempt((1, ()), (0, ())),
        attempt((0, ()), (0, ())),
    ]
    assert statistics.correlation([1, 0, 1, 0], [2, 1, 1, 0]) > 0.7
    result = analyse(attempts)
    assert result.questions["Q1"].discrimination == D("0.0000")
    assert result.questions["Q2"].discrimination == D("0.0000")
    reversed_item = [
        attempt((1, ()), (0, ())),
        attempt((0, ()), (1, ())),
        attempt((1, ()), (0, ())),
    ]
    assert analyse(reversed_item).questions["Q1"].discrimination == D("-1.0000")


def test_weights_take_the_item_s_share_out_of_the_total():
    # Q1 is worth 3 marks, Q2 1 mark; the rest of the test for Q1 is Q2 alone.
    attempts = [
        attempt((1, ()), (1, ()), marks=[3, 1]),
        attempt((D("0.5"), ()), (1, ()), marks=[3, 1]),
        attempt((0, ()), (0, ()), marks=[3, 1]),
        attempt((D("0.5"), ()), (0, ()), marks=[3, 1]),
    ]
    q1 = analyse(attempts).questions["Q1"]
    expected = statistics.correlation([1, 0.5, 0, 0.5], [1, 1, 0, 0])
    assert q1.discrimination == D(str(round(expected, 4)))
    assert q1.facility == D("50.00")


def test_an_item_everyone_gets_right():
    attempts = [attempt((1, {"A"}), (f, ())) for f in (0, 1, D("0.5"))]
    q1 = analyse(attempts).questions["Q1"]
    assert q1 == ItemStatistics(
        attempts=3,
        facility=D("100.00"),
        standard_deviation=D("0.00"),
        discrimination=None,
        options=(OptionFrequency("A", 3, D("100.00")),),
        no_option=0,
    )


def test_when_the_rest_of_the_test_does_not_vary():
    attempts = [attempt((1, ()), (1, ())), attempt((0, ()), (1, ()))]
    assert analyse(attempts).questions["Q1"].discrimination is None


def test_rounding_noise_in_the_totals_is_not_a_correlation():
    # Q2 (2 marks) right in every attempt: the rest of the test for Q1 doesn't vary.
    # Totals and weights rounded to 7 places leave a 1e-7 spread, which Pearson's r
    # alone would turn into 0.76.
    step = D("0.0000001")
    attempts = [
        AttemptRecord(
            ((f + 2) / D(3)).quantize(step),
            {
                "Q1": ItemRecord(f, (D(1) / 3).quantize(step)),
                "Q2": ItemRecord(D(1), (D(2) / 3).quantize(step)),
            },
        )
        for f in (D("0.1"), D("0.7"), D("0.35"), D(1))
    ]
    assert analyse(attempts).questions["Q1"].discrimination is None
    # Unrounded Decimal divisions leave noise in the 28th place: the same.
    unrounded = [
        AttemptRecord((f + 2) / D(3), {"Q1": ItemRecord(f, D(1) / 3)})
        for f in (D("0.1"), D("0.7"), D("0.35"), D(1))
    ]
    assert analyse(unrounded).questions["Q1"].discrimination is None


def test_too_few_attempts():
    assert analyse([]) == Analysis(attempts=0, questions={})
    one = analyse([attempt((D("0.75"), {"B"}), (0, ()))])
    q1 = one.questions["Q1"]
    assert (q1.attempts, q1.facility, q1.standard_deviation, q1.discrimination) == (
        1,
        D("75.00"),
        None,
        None,
    )


def test_a_declared_question_nobody_attempted():
    result = analyse([attempt((1, ()))], options={"Q9": [0, 1]})
    assert list(result.questions) == ["Q9", "Q1"]
    assert result.questions["Q9"] == ItemStatistics(
        attempts=0,
        facility=None,
        standard_deviation=None,
        discrimination=None,
        options=(OptionFrequency(0, 0, None), OptionFrequency(1, 0, None)),
    )


def test_multiple_choice_frequencies_and_undeclared_options():
    attempts = [
        attempt((1, {0, 2})),
        attempt((D("0.5"), {0})),
        attempt((0, {3, 1})),
    ]
    q1 = analyse(attempts, options={"Q1": [0, 1]}).questions["Q1"]
    assert q1.options == (
        OptionFrequency(0, 2, D("66.67")),
        OptionFrequency(1, 1, D("33.33")),
        OptionFrequency(2, 1, D("33.33")),  # not declared: after, sorted
        OptionFrequency(3, 1, D("33.33")),
    )
    assert q1.facility == D("50.00")


def test_questions_only_in_some_attempts():
    attempts = [
        AttemptRecord(D("0.5"), {"a": ItemRecord(D(1), D("0.5"))}),
        AttemptRecord(D("0.5"), {"b": ItemRecord(D(1), D("0.5"))}),
        AttemptRecord(D(1), {"a": ItemRecord(D(1), D("0.5")), "b": ItemRecord(D(1), D("0.5"))}),
    ]
    result = analyse(attempts)
    assert result.attempts == 3
    assert (result.questions["a"].attempts, result.questions["b"].attempts) == (2, 2)


def test_rounding_is_half_up():
    # 1 of 8 attempts right: 12.5 %; sample SD of [1,0,...,0] is 35.355...
    attempts = [attempt((1, ()))] + [attempt((0, ()))] * 7
    q1 = analyse(attempts).questions["Q1"]
    assert q1.facility == D("12.50")
    assert q1.standard_deviation == D("35.36")
    three = analyse([attempt((1, ())), attempt((0, ())), attempt((0, ()))])
    assert three.questions["Q1"].facility == D("33.33")
    two_thirds = analyse([attempt((1, ())), attempt((1, ())), attempt((0, ()))])
    assert two_thirds.questions["Q1"].facility == D("66.67")


@pytest.mark.parametrize(
    "item",
    [
        ItemRecord(D("1.5"), D("0.5")),
        ItemRecord(D("-0.1"), D("0.5")),
        ItemRecord(D("0.5"), D(2)),
    ],
)
def test_fractions_and_weights_must_be_between_0_and_1(item):
    with pytest.raises(ValueError):
        analyse([AttemptRecord(D("0.5"), {"Q1": item})])


def test_mixed_option_keys_still_come_out_in_a_stable_order():
    attempts = [attempt((1, {"A", 1})), attempt((0, {None}))]
    options = [o.option for o in analyse(attempts).questions["Q1"].options]
    assert options == [None, 1, "A"]  # by kind, then by value
