"""Item analysis: what holds for any set of attempts."""

import statistics
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.quizzes.analysis import AttemptRecord, ItemRecord, analyse

OPTIONS = ["A", "B", "C", "D"]
fractions = st.one_of(
    st.sampled_from([D(0), D(1), D("0.5")]), st.decimals(min_value=0, max_value=1, places=2)
)


@st.composite
def quizzes(draw, min_attempts=0, right_item=False, steady_rest=False):
    """Attempts at a quiz of 1-4 questions with marks of 1-3; Q0 is a single choice.

    Totals are rounded to 7 places, as a database would store them.
    """
    marks = draw(st.lists(st.integers(1, 3), min_size=1, max_size=4))
    weights = [(D(m) / sum(marks)).quantize(D("0.0000001")) for m in marks]
    attempts = []
    for _ in range(draw(st.integers(min_attempts, 12))):
        scores = [draw(fractions) for _ in marks]
        if right_item:
            scores[0] = D(1)
        if steady_rest:  # everyone gets the same on every question but Q0
            scores[1:] = [D("0.5")] * (len(scores) - 1)
        chosen = draw(st.sampled_from([(), *[(o,) for o in OPTIONS]]))
        total = sum(s * m for s, m in zip(scores, marks, strict=True)) / sum(marks)
        attempts.append(
            AttemptRecord(
                total=total.quantize(D("0.0000001"), rounding=ROUND_HALF_UP),
                items={
                    f"Q{i}": ItemRecord(s, w, chosen if i == 0 else ())
                    for i, (s, w) in enumerate(zip(scores, weights, strict=True))
                },
            )
        )
    return attempts


@given(quizzes())
def test_the_statistics_stay_in_their_ranges(attempts):
    result = analyse(attempts, options={"Q0": OPTIONS})
    assert result.attempts == len(attempts)
    for stats in result.questions.values():
        assert stats.attempts <= len(attempts)
        if stats.attempts:
            assert 0 <= stats.facility <= 100
        else:
            assert stats.facility is None
        assert stats.discrimination is None or -1 <= stats.discrimination <= 1
        if stats.attempts < 2:
            assert stats.discrimination is None and stats.standard_deviation is None
        else:
            assert stats.standard_deviation >= 0
        assert stats.facility is None or stats.facility.as_tuple().exponent == -2


@given(quizzes(min_attempts=1, right_item=True))
def test_an_item_everyone_gets_right(attempts):
    q0 = analyse(attempts).questions["Q0"]
    assert q0.facility == 100
    assert q0.discrimination is None
    assert q0.standard_deviation in (None, 0)


@given(quizzes(min_attempts=2, steady_rest=True))
def test_no_discrimination_when_the_rest_of_the_test_does_not_vary(attempts):
    # Even though the totals and weights given are rounded to 7 places.
    assert analyse(attempts).questions["Q0"].discrimination is None


@given(quizzes(), st.randoms(use_true_random=False))
def test_the_order_of_the_attempts_does_not_matter(attempts, random):
    shuffled = list(attempts)
    random.shuffle(shuffled)
    options = {"Q0": OPTIONS}
    before, after = analyse(attempts, options), analyse(shuffled, options)
    assert after == before
    assert list(after.questions) == list(before.questions)


@settings(max_examples=50)  # a secondary property: keeps the suite fast
@given(quizzes())
def test_single_choice_frequencies_add_up(attempts):
    q0 = analyse(attempts, options={"Q0": OPTIONS}).questions.get("Q0")
    if not attempts:
        assert q0.attempts == 0
        return
    assert [o.option for o in q0.options] == OPTIONS
    assert sum(o.count for o in q0.options) + q0.no_option == len(attempts)
    for option in q0.options:
        share = D(100 * option.count) / len(attempts)
        assert option.percent == share.quantize(D("0.01"), rounding=ROUND_HALF_UP)


@settings(max_examples=50)  # a secondary property: keeps the suite fast
@given(quizzes(min_attempts=2))
def test_the_figures_agree_with_the_statistics_module(attempts):
    result = analyse(attempts)
    for key, stats in result.questions.items():
        scores = [float(a.items[key].fraction) for a in attempts]
        rests = [float(a.total - a.items[key].fraction * a.items[key].weight) for a in attempts]
        assert abs(float(stats.facility) - 100 * statistics.fmean(scores)) <= 0.005 + 1e-9
        assert abs(float(stats.standard_deviation) - 100 * statistics.stdev(scores)) <= 0.006
        if stats.discrimination is not None:
            expected = statistics.correlation(scores, rests)
            assert abs(float(stats.discrimination) - expected) <= 0.0001
