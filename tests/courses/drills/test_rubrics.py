"""Rubric arithmetic (courses/drills/rubrics.py): property-based, no database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.drills.rubrics import Criterion, InvalidScore, Level, Rubric, rubric_problems, score

points = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False)
weights = st.decimals(min_value=Decimal("0.1"), max_value=50, places=1, allow_nan=False)


@st.composite
def criteria(draw, key):
    level_points = draw(st.lists(points, min_size=2, max_size=5, unique=True))
    if max(level_points) == 0:
        level_points.append(Decimal(1))
    levels = tuple(Level(f"L{n}", "", p) for n, p in enumerate(level_points))
    return Criterion(key, f"criterion {key}", "", draw(weights), levels)


@st.composite
def rubrics(draw):
    count = draw(st.integers(min_value=1, max_value=6))
    return Rubric(tuple(draw(criteria(str(n))) for n in range(count)))


@st.composite
def rubric_and_choice(draw):
    rubric = draw(rubrics())
    chosen = {c.key: draw(st.sampled_from(c.levels)).points for c in rubric.criteria}
    return rubric, chosen


@given(rubric_and_choice())
def test_a_complete_score_is_a_percent_within_0_and_100(case):
    rubric, chosen = case
    result = score(rubric, chosen)
    assert result.complete and Decimal(0) <= result.percent <= Decimal(100)
    assert result.percent == result.percent.quantize(Decimal("0.1"))


@given(rubric_and_choice())
def test_the_best_level_everywhere_is_100_and_the_order_of_criteria_does_not_matter(case):
    rubric, chosen = case
    best = {c.key: c.max_points for c in rubric.criteria}
    assert score(rubric, best).percent == Decimal(100)
    reversed_rubric = Rubric(tuple(reversed(rubric.criteria)))
    assert score(reversed_rubric, chosen).percent == score(rubric, chosen).percent


@given(rubric_and_choice(), st.data())
def test_a_higher_level_never_lowers_the_score(case, data):
    rubric, chosen = case
    criterion = data.draw(st.sampled_from(rubric.criteria))
    higher = [lv.points for lv in criterion.levels if lv.points >= chosen[criterion.key]]
    better = {**chosen, criterion.key: data.draw(st.sampled_from(higher))}
    assert score(rubric, better).percent >= score(rubric, chosen).percent


@given(rubric_and_choice(), st.data())
def test_a_missing_criterion_means_no_score_yet_never_a_low_one(case, data):
    rubric, chosen = case
    missing = data.draw(st.sampled_from(rubric.criteria)).key
    partial = {k: v for k, v in chosen.items() if k != missing}
    result = score(rubric, partial)
    assert result.percent is None and not result.complete
    assert result.scored == len(rubric.criteria) - 1


@given(rubrics())
def test_the_json_a_version_keeps_gives_back_the_same_rubric(rubric):
    again = Rubric.from_json(rubric.to_json())
    assert again == rubric and again.digest() == rubric.digest()


def example():
    return Rubric(
        (
            Criterion(
                "a",
                "安抚情绪",
                "",
                Decimal(3),
                (Level("优秀", "", Decimal(4)), Level("合格", "", Decimal(2))),
            ),
            Criterion(
                "b",
                "24小时内回复",
                "",
                Decimal(1),
                (Level("是", "", Decimal(1)), Level("否", "", Decimal(0))),
            ),
        )
    )


def test_weights_count_as_shares():
    # (3 * 2/4 + 1 * 1/1) / 4 = 0.625 → 62.5; half-up at one place.
    assert score(example(), {"a": "2", "b": "1"}).percent == Decimal("62.5")
    assert score(example(), {"a": 4, "b": 0}).percent == Decimal("75.0")


def test_points_that_are_not_a_level_or_a_criterion_not_in_the_rubric_are_refused():
    with pytest.raises(InvalidScore):
        score(example(), {"a": "3"})
    with pytest.raises(InvalidScore):
        score(example(), {"z": "1"})


def test_rubric_problems_name_what_is_wrong():
    level = Level("x", "", Decimal(1))
    bad = Rubric(
        (
            Criterion("a", "same", "", Decimal(0), (level,)),
            Criterion("b", "same", "", Decimal(1), (level, level)),
        )
    )
    assert set(rubric_problems(bad)) == {
        "criterion_twice",
        "weight_not_positive",
        "too_few_levels",
        "points_twice",
    }
    assert rubric_problems(example()) == []
    assert rubric_problems(Rubric(())) == ["no_criteria"]
