"""Drill rubrics and their arithmetic, as plain data (no ORM): property-tested.

A rubric is a list of weighted criteria; each criterion has levels, each with a descriptor
and points. A participant gets one level per criterion. Each criterion counts for its share
of the weights, as the points given over the criterion's best level's points:

    percent = 100 * sum(weight * points / max points) / sum(weight)

decimal, half-up to one decimal place. A participant not yet scored on every criterion has
no percent ("incomplete"), never a partial sum that would look like a low score.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class Level:
    label: str
    descriptor: str
    points: Decimal


@dataclass(frozen=True)
class Criterion:
    key: str  # stable within a rubric version
    name: str
    description: str
    weight: Decimal
    levels: tuple[Level, ...]

    @property
    def max_points(self) -> Decimal:
        return max(level.points for level in self.levels)


@dataclass(frozen=True)
class Rubric:
    criteria: tuple[Criterion, ...]

    @property
    def total_weight(self) -> Decimal:
        return sum((c.weight for c in self.criteria), Decimal(0))

    def criterion(self, key: str) -> Criterion | None:
        return next((c for c in self.criteria if c.key == key), None)

    # Storage: the JSON a rubric version keeps -------------------------------------------

    def to_json(self) -> list[dict]:
        return [
            {
                "key": c.key,
                "name": c.name,
                "description": c.description,
                "weight": str(c.weight),
                "levels": [
                    {"label": lv.label, "descriptor": lv.descriptor, "points": str(lv.points)}
                    for lv in c.levels
                ],
            }
            for c in self.criteria
        ]

    @classmethod
    def from_json(cls, data: list[dict]) -> Rubric:
        return cls(
            tuple(
                Criterion(
                    key=c["key"],
                    name=c["name"],
                    description=c.get("description", ""),
                    weight=Decimal(c["weight"]),
                    levels=tuple(
                        Level(lv["label"], lv.get("descriptor", ""), Decimal(lv["points"]))
                        for lv in c["levels"]
                    ),
                )
                for c in data
            )
        )

    def digest(self) -> str:
        """The same for the same rubric: a new version is kept only when this changes."""
        text = json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


# Checking a rubric as it is written ------------------------------------------------------


def rubric_problems(rubric: Rubric) -> list[str]:
    """What is wrong with a rubric, as codes (the admin form words them): empty when fine."""
    problems = []
    if not rubric.criteria:
        problems.append("no_criteria")
    names = [c.name.strip() for c in rubric.criteria]
    if len(set(names)) != len(names):
        problems.append("criterion_twice")
    for criterion in rubric.criteria:
        if criterion.weight <= 0:
            problems.append("weight_not_positive")
        if len(criterion.levels) < 2:
            problems.append("too_few_levels")
        points = [level.points for level in criterion.levels]
        if any(p < 0 for p in points):
            problems.append("negative_points")
        if len(set(points)) != len(points):
            problems.append("points_twice")
        if points and max(points) <= 0:
            problems.append("no_points")
    return list(dict.fromkeys(problems))


# Scoring ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionScore:
    criterion: Criterion
    points: Decimal | None  # None: not scored yet
    level: Level | None


@dataclass(frozen=True)
class RubricScore:
    criteria: tuple[CriterionScore, ...]
    percent: Decimal | None  # None until every criterion is scored

    @property
    def complete(self) -> bool:
        return self.percent is not None

    @property
    def scored(self) -> int:
        return sum(1 for c in self.criteria if c.points is not None)


class InvalidScore(ValueError):
    """Points that are not one of the criterion's levels, or a criterion not in the rubric."""


def score(rubric: Rubric, given: Mapping[str, Decimal | str | int]) -> RubricScore:
    """The participant's score from the points given per criterion key."""
    unknown = set(given) - {c.key for c in rubric.criteria}
    if unknown:
        raise InvalidScore(f"no criterion {sorted(unknown)[0]!r} in this rubric")
    parts = []
    for criterion in rubric.criteria:
        raw = given.get(criterion.key)
        if raw is None:
            parts.append(CriterionScore(criterion, None, None))
            continue
        points = Decimal(str(raw))
        level = next((lv for lv in criterion.levels if lv.points == points), None)
        if level is None:
            raise InvalidScore(f"{points} is not a level of {criterion.name!r}")
        parts.append(CriterionScore(criterion, points, level))
    if any(part.points is None for part in parts) or not parts:
        return RubricScore(tuple(parts), None)
    weighted = sum(
        (p.criterion.weight * p.points / p.criterion.max_points for p in parts), Decimal(0)
    )
    percent = (Decimal(100) * weighted / rubric.total_weight).quantize(
        ONE_PLACE, rounding=ROUND_HALF_UP
    )
    return RubricScore(tuple(parts), percent)
