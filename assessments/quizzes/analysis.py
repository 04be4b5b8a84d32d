"""Item analysis for trainers: classical test theory, as Moodle's quiz statistics.

Pure: plain records in, plain results out; no database.

    analyse(attempts, options=None) -> Analysis

Each `AttemptRecord` holds the attempt's total as a fraction of the quiz's maximum
(0..1) and, per question (any hashable key: a slot number, a question id), an
`ItemRecord`: the score fraction on that question (0..1), the question's weight
(its mark ÷ the quiz's maximum total, so that its share of the total can be taken
out), and the options chosen (choice questions; any hashable keys, e.g. the choice
indexes).

Per question, `ItemStatistics`:
- `attempts`: how many attempts include the question;
- `facility`: the mean score fraction, as a percent (Moodle's facility index);
- `standard_deviation`: the sample standard deviation (n - 1) of the score
  fraction, as a percent, as Moodle shows it; None with fewer than 2 attempts;
- `discrimination`: Pearson's correlation, -1..1, between the score on this
  question and the score on the rest of the test (the attempt's total minus this
  question's share, `total - fraction * weight`), Moodle's "discrimination index"
  (which Moodle shows multiplied by 100); None with fewer than 2 attempts or when
  either doesn't vary (everyone scored the same on the question, or on the rest).
  "Doesn't vary" means a standard deviation of at most a millionth (of the
  question, or of the whole test): totals and weights are usually rounded (to 7
  places, say), and the rounding leaves a spread of about 1e-7 in the rest of the
  test even when everyone scored the same on it, which Pearson's r would blow up
  into a meaningless correlation. A real quiz's differences (a cent of a mark out
  of at most a few thousand) are far larger;
- `options`: for choice questions, each option with the number of attempts that
  chose it and that number as a percent of the question's attempts (a
  multiple-choice question's percentages may add up to more than 100). Options
  passed in `options` come first, in that order, even if nobody chose them; any
  other option chosen follows, sorted. `no_option` counts the attempts that chose
  none (for a choice question: left it unanswered).

Values may be Decimals, ints or `Fraction`s (exact ones, such as
`Fraction(score, mark)`, leave no rounding noise at all). All arithmetic is exact
(fractions, and integers over a common denominator) and only the results are
rounded, half-up (away from zero): percentages to 2 places, the discrimination
index to 4.
So the results cannot depend on the order of the attempts, and a correlation
never strays outside -1..1 by rounding.

Questions come out in the order of `options`, then the rest sorted by key.
A fraction or a weight outside 0..1 is a `ValueError`; totals are taken as given.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

PERCENT_PLACES = 2


DISCRIMINATION_PLACES = 4


# A standard deviation this small (a millionth of the test, or of the question) is
# rounding noise in the totals and weights given, not a difference between learners.
NOISE = Fraction(1, 10**6)


@dataclass(frozen=True)
class ItemRecord:
    """One question in one attempt."""

    fraction: Decimal  # the score on the question ÷ its mark, 0..1
    weight: Decimal  # the question's mark ÷ the quiz's maximum total, 0..1
    chosen: frozenset[Hashable] = field(default_factory=frozenset)  # options chosen

    def __post_init__(self):
        object.__setattr__(self, "chosen", frozenset(self.chosen))


@dataclass(frozen=True)
class AttemptRecord:
    total: Decimal  # the attempt's total ÷ the quiz's maximum total, 0..1
    items: Mapping[Hashable, ItemRecord]


@dataclass(frozen=True)
class OptionFrequency:
    option: Hashable
    count: int
    percent: Decimal | None  # of the question's attempts; None when there are none


@dataclass(frozen=True)
class ItemStatistics:
    attempts: int
    facility: Decimal | None  # percent, 0..100
    standard_deviation: Decimal | None  # percent
    discrimination: Decimal | None  # -1..1
    options: tuple[OptionFrequency, ...] = ()
    no_option: int = 0


@dataclass(frozen=True)
class Analysis:
    attempts: int  # the number of attempts analysed
    questions: dict[Hashable, ItemStatistics]


def analyse(
    attempts: Iterable[AttemptRecord],
    options: Mapping[Hashable, Sequence[Hashable]] | None = None,
) -> Analysis:
    """Item statistics for every question in `attempts` (and every one in `options`)."""
    attempts = list(attempts)
    options = options or {}
    samples: dict[Hashable, list[tuple[Fraction, Fraction, frozenset]]] = {}
    for attempt in attempts:
        total = Fraction(attempt.total)
        for key, item in attempt.items.items():
            fraction = _unit(item.fraction, "fraction")
            weight = _unit(item.weight, "weight")
            samples.setdefault(key, []).append((fraction, total - fraction * weight, item.chosen))
    keys = list(options) + _sorted(key for key in samples if key not in options)
    return Analysis(
        attempts=len(attempts),
        questions={key: _statistics(samples.get(key, []), options.get(key, ())) for key in keys},
    )


def _statistics(samples, declared: Sequence[Hashable]) -> ItemStatistics:
    n = len(samples)
    counts: dict[Hashable, int] = dict.fromkeys(declared, 0)
    no_option = 0
    for _score, _rest, chosen in samples:
        if not chosen:
            no_option += 1
        for option in chosen:
            counts[option] = counts.get(option, 0) + 1
    order = list(dict.fromkeys(declared)) + _sorted(o for o in counts if o not in declared)
    frequencies = tuple(
        OptionFrequency(o, counts[o], _round(Fraction(100 * counts[o], n)) if n else None)
        for o in order
    )
    scores = _Series([score for score, _rest, _chosen in samples])
    rests = _Series([rest for _score, rest, _chosen in samples])
    return ItemStatistics(
        attempts=n,
        facility=_round(Fraction(100 * scores.total, n * scores.scale)) if n else None,
        standard_deviation=_standard_deviation(scores),
        discrimination=_correlation(scores, rests),
        options=frequencies,
        no_option=no_option,
    )


class _Series:
    """Exact values as integers over one common denominator, for fast exact sums."""

    def __init__(self, values: list[Fraction]):
        self.scale = math.lcm(*(value.denominator for value in values)) if values else 1
        self.units = [value.numerator * (self.scale // value.denominator) for value in values]
        self.total = sum(self.units)
        # n Σx² - (Σx)², in units²: n² times the population variance.
        self.spread = len(values) * sum(u * u for u in self.units) - self.total**2

    def steady(self) -> bool:
        """Whether the standard deviation is within the noise."""
        return self.spread <= (len(self.units) * self.scale * NOISE) ** 2


def _standard_deviation(xs: _Series) -> Decimal | None:
    n = len(xs.units)
    if n < 2:
        return None
    # Sample variance: (n Σx² - (Σx)²) / (n (n - 1)); as a percent, * 100².
    variance = Fraction(xs.spread, xs.scale**2 * n * (n - 1))
    return _round_sqrt(10_000 * variance, PERCENT_PLACES)


def _correlation(xs: _Series, ys: _Series) -> Decimal | None:
    # Pearson's r doesn't change when either series is scaled, so integers will do.
    n = len(xs.units)
    if n < 2 or xs.steady() or ys.steady():
        return None
    covariance = n * sum(x * y for x, y in zip(xs.units, ys.units, strict=True))
    covariance -= xs.total * ys.total
    size = _round_sqrt(Fraction(covariance**2, xs.spread * ys.spread), DISCRIMINATION_PLACES)
    return -size if covariance < 0 else size


def _unit(value, name: str) -> Fraction:
    exact = Fraction(value)
    if not 0 <= exact <= 1:
        raise ValueError(f"A {name} must be between 0 and 1, not {value}.")
    return exact


def _round(value: Fraction, places: int = PERCENT_PLACES) -> Decimal:
    """Exactly rounded half-up (away from zero)."""
    units = math.floor(abs(value) * 10**places + Fraction(1, 2))
    return Decimal(-units if value < 0 else units).scaleb(-places)


def _round_sqrt(value: Fraction, places: int) -> Decimal:
    """√value (value >= 0), exactly rounded half-up."""
    scaled = value * 100**places  # √scaled = √value * 10**places
    units = math.isqrt(math.floor(scaled))  # ⌊√scaled⌋
    if scaled >= Fraction(2 * units + 1, 2) ** 2:  # √scaled >= units + ½
        units += 1
    return Decimal(units).scaleb(-places)


def _sorted(items: Iterable[Hashable]) -> list[Hashable]:
    items = list(items)
    try:
        return sorted(items)
    except TypeError:  # keys of different kinds
        return sorted(items, key=lambda item: (type(item).__name__, repr(item)))
