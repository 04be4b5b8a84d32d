"""The cycle dashboard and export (issue 7): who may read which cycle's results, and the sums.

Reads only. The selectors load a cycle's results as plain rows in one query (whatever the
number of people) and the org tree in another; the pure functions below them turn the rows
into the dashboard's sections (the spread of each part, the grades, the averages by org unit,
the missing data, the largest changes since the last cycle) in one pass each.

Who reads what: HR and administrators every cycle and every result; trainers the computed
and finalised cycles, and only the results of the staff they follow now (their StaffProfile
in the units they are assigned to, as `lms.permissions` says); nobody else.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import result_selectors, scoring
from assessments.models import AssessmentCycle, AssessmentResult
from assessments.policies import GRADE_LABELS, PART_LABELS
from assessments.result_selectors import VISIBLE_STATES
from assessments.scoring import rounded
from lms.models import OrgUnit
from lms.permissions import StaffVisibility, staff_scope
from lms.roles import HR_ROLES, TRAINERS, is_hr, roles_of

SCORES = (*scoring.PARTS, "overall")
SCORE_LABELS = {**PART_LABELS, "overall": gettext_lazy("Overall")}
GRADES = ("excellent", "good", "pass", "fail")
READABLE_STATES = VISIBLE_STATES  # computed or finalised
CHANGES_SHOWN = 20


# Who may read -------------------------------------------------------------------------------


def can_read_cycles(user) -> bool:
    """HR, administrators and trainers read cycles; learners do not."""
    return bool(roles_of(user) & (HR_ROLES | TRAINERS))


def cycles_visible_to(user) -> QuerySet[AssessmentCycle]:
    """The cycles `user` may open, with the number of results they may see in each."""
    if is_hr(user):
        cycles = AssessmentCycle.objects.annotate(result_count=Count("results"))
    elif can_read_cycles(user):
        visible = StaffVisibility(via="results__user__profile").q(user)
        cycles = AssessmentCycle.objects.filter(state__in=READABLE_STATES).annotate(
            result_count=Count("results", filter=visible, distinct=True)
        )
    else:
        return AssessmentCycle.objects.none()
    return cycles.select_related("policy").order_by("-starts_on", "-created_at")


def readable_cycle(user, cycle_id: int) -> AssessmentCycle:
    """The cycle, if `user` may read it: PermissionDenied for learners, Http404 for a trainer
    asking for a draft (or for a cycle that does not exist)."""
    if not can_read_cycles(user):
        raise PermissionDenied
    cycles = AssessmentCycle.objects.select_related("policy", "finalised_by__profile")
    if not is_hr(user):
        cycles = cycles.filter(state__in=READABLE_STATES)
    cycle = cycles.filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404
    return cycle


def dashboard_results(user) -> QuerySet[AssessmentResult]:
    """The results of the staff `user` follows now (everyone for HR); none for learners,
    who read only their own, on their own page."""
    if not can_read_cycles(user):
        return AssessmentResult.objects.none()
    return result_selectors.results_visible_to(user)


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


def org_tree() -> Tree:
    return Tree.of(Unit(*row) for row in OrgUnit.objects.values_list("pk", "path", "name", "kind"))


def units_visible_to(user, tree: Tree) -> list[Unit]:
    """The units whose staff `user` may see, for the filter (units and their subtrees)."""
    scope = staff_scope(user)
    return tree.visible(None if scope.everyone else scope.unit_paths)


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

    @property
    def overall(self) -> Decimal | None:
        return self.scores[-1]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(p for p, v in zip(scoring.PARTS, self.scores, strict=False) if v is None)

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
)


def _row(values: Sequence) -> Row:
    user_id, number, name, unit_id, unit_name, position = values[:6]
    scores = tuple(values[6 : 6 + len(SCORES)])
    grade, eligible = values[6 + len(SCORES) :]
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
    )


def filtered_results(
    cycle: AssessmentCycle, user, *, unit: Unit | None = None, position: str = ""
) -> QuerySet[AssessmentResult]:
    """The cycle's results `user` may see, in `unit` and below (where the person was when the
    cycle was computed) and in `position`, when given."""
    results = dashboard_results(user).filter(cycle=cycle)
    if unit is not None:
        results = results.filter(org_unit__path__startswith=unit.path)
    if position:
        results = results.filter(position=position)
    return results


def result_rows(results: QuerySet[AssessmentResult]) -> list[Row]:
    return [_row(values) for values in results.values_list(*ROW_COLUMNS)]


def previous_cycle(cycle: AssessmentCycle) -> AssessmentCycle | None:
    """The last computed or finalised cycle that started before this one."""
    return (
        AssessmentCycle.objects.filter(state__in=READABLE_STATES, starts_on__lt=cycle.starts_on)
        .order_by("-starts_on", "-pk")
        .first()
    )


def previous_overall(
    previous: AssessmentCycle, user, results: QuerySet[AssessmentResult]
) -> dict[int, Decimal | None]:
    """The overall of the people of `results` in the `previous` cycle, by user id."""
    return dict(
        dashboard_results(user)
        .filter(cycle=previous, user_id__in=results.values("user_id"))
        .values_list("user_id", "overall")
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
        if unit is None:
            label = _("No org unit")
        elif unit.kind != level:
            label = _("%(unit)s itself") % {"unit": unit.name}
        else:
            label = unit.name
        averages.append(UnitAverage(unit, label, len(members), means))
    return averages


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


def summarise(
    rows: Sequence[Row],
    tree: Tree,
    *,
    level: str,
    previous: AssessmentCycle | None = None,
    previous_overall: Mapping[int, Decimal | None] | None = None,
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
    )


def cycle_dashboard(
    cycle: AssessmentCycle, user, tree: Tree, *, unit: Unit | None, position: str, level: str
) -> Dashboard:
    """Every section of the dashboard in four queries, whatever the number of results."""
    results = filtered_results(cycle, user, unit=unit, position=position)
    rows = result_rows(results)
    previous = previous_cycle(cycle)
    before = previous_overall(previous, user, results) if previous and rows else {}
    return summarise(rows, tree, level=level, previous=previous, previous_overall=before)
