"""The cycle dashboard's sums from plain rows: the spread of each part, the grades, the averages
by org unit, the missing data, the largest changes since the last cycle and the complaints by
category and org unit, in one pass each."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models.cycles import AssessmentCycle
from assessments.models.metrics import ComplaintCategory
from assessments.scoring import arithmetic
from assessments.scoring.arithmetic import rounded
from assessments.scoring.labels import GRADE_LABELS, PART_LABELS
from lms.models.org import OrgUnit

SCORES = (*arithmetic.PARTS, "overall")


SCORE_LABELS = {**PART_LABELS, "overall": gettext_lazy("Overall")}


GRADES = ("excellent", "good", "pass", "fail")


CHANGES_SHOWN = 20


# The org tree, as plain data ------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    pk: int
    path: str
    name: str
    kind: str

    @property
    def depth(self) -> int:
        return len(self.path) // OrgUnit.steplen


@dataclass(frozen=True)
class Tree:
    """Every org unit, by pk and by path, for names, groups and the filter's choices."""

    units: tuple[Unit, ...]
    by_pk: Mapping[int, Unit] = field(default_factory=dict)
    by_path: Mapping[str, Unit] = field(default_factory=dict)

    @classmethod
    def of(cls, units: Iterable[Unit]) -> Tree:
        units = tuple(sorted(units, key=lambda u: u.path))
        return cls(units, {u.pk: u for u in units}, {u.path: u for u in units})

    def ancestors(self, unit: Unit) -> list[Unit]:
        """From the top of the tree down to `unit`, included."""
        step = OrgUnit.steplen
        found = (self.by_path.get(unit.path[: k * step]) for k in range(1, unit.depth + 1))
        return [u for u in found if u is not None]

    def full_name(self, unit_id: int | None) -> str:
        unit = self.by_pk.get(unit_id)
        return " / ".join(u.name for u in self.ancestors(unit)) if unit else ""

    def group(self, unit_id: int | None, level: str) -> Unit | None:
        """The unit's ancestor of kind `level`; the unit itself when it sits above that level."""
        unit = self.by_pk.get(unit_id)
        if unit is None:
            return None
        for ancestor in self.ancestors(unit):
            if ancestor.kind == level:
                return ancestor
        return unit

    def visible(self, unit_paths: Sequence[str] | None) -> list[Unit]:
        """The units under the given paths (all of them for None), in tree order."""
        if unit_paths is None:
            return list(self.units)
        return [u for u in self.units if u.path.startswith(tuple(unit_paths))]


# A cycle's results as rows --------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    user_id: int
    employee_number: str
    name: str
    unit_id: int | None
    unit_name: str
    position: str
    scores: tuple[Decimal | None, ...]  # in SCORES order
    grade: str
    eligible: bool
    # why not eligible, as stored with the result (None: not read)
    reasons: tuple[str, ...] | None = None

    @property
    def overall(self) -> Decimal | None:
        return self.scores[-1]

    @property
    def missing(self) -> tuple[str, ...]:
        """The parts without data; a part that does not apply to the position has no score
        either, but nothing is missing there (its result gives no `no_<part>` reason)."""
        return tuple(
            part
            for part, value in zip(arithmetic.PARTS, self.scores, strict=False)
            if value is None and (self.reasons is None or f"no_{part}" in self.reasons)
        )

    @property
    def missing_labels(self) -> list[str]:
        return [str(PART_LABELS[part]) for part in self.missing]


ROW_COLUMNS = (
    "user_id",
    "user__username",
    "user__profile__full_name",
    "org_unit_id",
    "org_unit__name",
    "position",
    *SCORES,
    "grade",
    "eligible",
    "reasons",
)


def _row(values: Sequence) -> Row:
    user_id, number, name, unit_id, unit_name, position = values[:6]
    scores = tuple(values[6 : 6 + len(SCORES)])
    grade, eligible, reasons = values[6 + len(SCORES) :]
    return Row(
        user_id=user_id,
        employee_number=number,
        name=name or number,
        unit_id=unit_id,
        unit_name=unit_name or "",
        position=position,
        scores=scores,
        grade=grade,
        eligible=eligible,
        reasons=tuple(reasons or ()),
    )


# The sums (pure) ------------------------------------------------------------------------------


def mean(values: Sequence[Decimal]) -> Decimal | None:
    return rounded(sum(values, Decimal(0)) / len(values)) if values else None


def median(values: Sequence[Decimal]) -> Decimal | None:
    return rounded(Decimal(statistics.median(values))) if values else None


@dataclass(frozen=True)
class PartStats:
    part: str
    values: tuple[Decimal, ...]  # the scores present
    no_data: int

    @property
    def label(self) -> str:
        return SCORE_LABELS[self.part]

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> Decimal | None:
        return mean(self.values)

    @property
    def median(self) -> Decimal | None:
        return median(self.values)


def part_stats(rows: Sequence[Row]) -> list[PartStats]:
    present: dict[str, list[Decimal]] = {part: [] for part in SCORES}
    for row in rows:
        for part, value in zip(SCORES, row.scores, strict=True):
            if value is not None:
                present[part].append(value)
    return [
        PartStats(part, tuple(present[part]), len(rows) - len(present[part])) for part in SCORES
    ]


@dataclass(frozen=True)
class GradeCounts:
    grades: tuple[tuple[str, int], ...]  # (code, count), no grade ("") last
    eligible: int
    people: int

    def labelled(self) -> list[tuple[str, int]]:
        return [(GRADE_LABELS.get(code, _("No grade")), n) for code, n in self.grades]


def grade_counts(rows: Sequence[Row]) -> GradeCounts:
    counts = dict.fromkeys((*GRADES, ""), 0)
    eligible = 0
    for row in rows:
        counts[row.grade if row.grade in counts else ""] += 1
        eligible += row.eligible
    return GradeCounts(tuple(counts.items()), eligible, len(rows))


@dataclass(frozen=True)
class UnitAverage:
    unit: Unit | None  # None: people without an org unit
    label: str
    people: int
    means: tuple[Decimal | None, ...]  # in SCORES order

    @property
    def overall(self) -> Decimal | None:
        return self.means[-1]

    @property
    def cells(self) -> list[tuple[str, Decimal | None]]:
        return [(str(SCORE_LABELS[p]), v) for p, v in zip(SCORES, self.means, strict=True)]


def unit_averages(rows: Sequence[Row], tree: Tree, level: str) -> list[UnitAverage]:
    """Each part's mean per unit at `level` (a person counts in the ancestor of that kind of
    the unit they were in), in tree order; people without a unit last."""
    groups: dict[Unit | None, list[Row]] = defaultdict(list)
    for row in rows:
        groups[tree.group(row.unit_id, level)].append(row)
    averages = []
    for unit in sorted(groups, key=lambda u: (u is None, u.path if u else "")):
        members = groups[unit]
        means = tuple(
            mean([v for v in (r.scores[i] for r in members) if v is not None])
            for i in range(len(SCORES))
        )
        averages.append(UnitAverage(unit, _group_label(unit, level), len(members), means))
    return averages


def _group_label(unit: Unit | None, level: str) -> str:
    if unit is None:
        return _("No org unit")
    if unit.kind != level:
        return _("%(unit)s itself") % {"unit": unit.name}
    return unit.name


@dataclass(frozen=True)
class Change:
    row: Row
    previous: Decimal
    current: Decimal

    @property
    def change(self) -> Decimal:
        return self.current - self.previous


def changes(
    rows: Sequence[Row], previous: Mapping[int, Decimal | None], limit: int = CHANGES_SHOWN
) -> tuple[list[Change], list[Change]]:
    """The `limit` largest rises and falls of the overall, for people with both values."""
    moved = [
        Change(row, previous[row.user_id], row.overall)
        for row in rows
        if row.overall is not None
        and previous.get(row.user_id) is not None
        and row.overall != previous[row.user_id]
    ]
    rises = sorted(
        (c for c in moved if c.change > 0), key=lambda c: (-c.change, c.row.employee_number)
    )
    falls = sorted(
        (c for c in moved if c.change < 0), key=lambda c: (c.change, c.row.employee_number)
    )
    return rises[:limit], falls[:limit]


def missing_data(rows: Sequence[Row]) -> list[Row]:
    """The people with at least one part without data, by employee number."""
    return sorted((r for r in rows if r.missing), key=lambda r: r.employee_number)


# The manual's four categories of complaint (4.2.1), in its order.
CATEGORIES = tuple(ComplaintCategory.values)


@dataclass(frozen=True)
class Tally:
    """Complaints received, and those the company was at fault for."""

    received: int = 0
    at_fault: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.received + other.received, self.at_fault + other.at_fault)


@dataclass(frozen=True)
class ComplaintGroup:
    unit: Unit | None  # None: people without an org unit
    label: str
    total: Tally
    categories: tuple[Tally, ...]  # in CATEGORIES order

    @property
    def cells(self) -> list[tuple[str, Tally]]:
        return [
            (str(ComplaintCategory(code).label), tally)
            for code, tally in zip(CATEGORIES, self.categories, strict=True)
        ]


@dataclass(frozen=True)
class ComplaintBreakdown:
    total: Tally
    categories: tuple[tuple[str, str, Tally], ...]  # (code, label, tally) in CATEGORIES order
    units: tuple[ComplaintGroup, ...]


def complaint_breakdown(
    rows: Sequence[Row], counts: Iterable[tuple[int, str, bool, int]], tree: Tree, level: str
) -> ComplaintBreakdown:
    """The complaints about the people of `rows`, from (user id, category, at fault, how many),
    by category and by unit at `level` (where each person was when the cycle was computed),
    every unit of `rows` listed, those without complaints too; complaints of anyone else are
    left out."""
    unit_of = {row.user_id: tree.group(row.unit_id, level) for row in rows}
    empty = (Tally(),) * len(CATEGORIES)
    by_unit: dict[Unit | None, list[Tally]] = {unit: list(empty) for unit in unit_of.values()}
    by_category = list(empty)
    for user_id, category, at_fault, n in counts:
        if user_id not in unit_of:
            continue
        index = CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES) - 1
        tally = Tally(n, n if at_fault else 0)
        by_unit[unit_of[user_id]][index] += tally
        by_category[index] += tally
    units = tuple(
        ComplaintGroup(unit, _group_label(unit, level), sum(tallies, Tally()), tuple(tallies))
        for unit, tallies in sorted(
            by_unit.items(), key=lambda item: (item[0] is None, item[0].path if item[0] else "")
        )
    )
    return ComplaintBreakdown(
        total=sum(by_category, Tally()),
        categories=tuple(
            (code, str(ComplaintCategory(code).label), tally)
            for code, tally in zip(CATEGORIES, by_category, strict=True)
        ),
        units=units,
    )


@dataclass(frozen=True)
class Dashboard:
    rows: tuple[Row, ...]
    parts: list[PartStats]
    grades: GradeCounts
    units: list[UnitAverage]
    missing: list[Row]
    previous: AssessmentCycle | None
    rises: list[Change]
    falls: list[Change]
    complaints: ComplaintBreakdown


def summarise(
    rows: Sequence[Row],
    tree: Tree,
    *,
    level: str,
    previous: AssessmentCycle | None = None,
    previous_overall: Mapping[int, Decimal | None] | None = None,
    complaints: Iterable[tuple[int, str, bool, int]] = (),
) -> Dashboard:
    rises, falls = changes(rows, previous_overall or {})
    return Dashboard(
        rows=tuple(rows),
        parts=part_stats(rows),
        grades=grade_counts(rows),
        units=unit_averages(rows, tree, level),
        missing=missing_data(rows),
        previous=previous,
        rises=rises,
        falls=falls,
        complaints=complaint_breakdown(rows, complaints, tree, level),
    )
