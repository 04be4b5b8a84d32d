"""A whole cycle's results as a spreadsheet: one row per person with the five parts,
the grade, the eligibility in words and the key inputs of the explanation. Reads only; the
rows are read in chunks, so a cycle of 50,000 people streams.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from assessments.cycles.dashboard import SCORE_LABELS, SCORES, Tree
from assessments.models.cycles import AssessmentResult
from assessments.scoring import arithmetic
from assessments.scoring.explain import reason_text
from assessments.scoring.labels import GRADE_LABELS, POSITION_LABELS

# Efficiency measures' numerator and denominator, as the export's column headers.
MEASURE_COUNT_LABELS = {
    "pickups": (gettext_lazy("Pick-ups on time"), gettext_lazy("Pick-ups")),
    "deliveries": (gettext_lazy("Deliveries on time"), gettext_lazy("Deliveries")),
    "queries": (gettext_lazy("Queries answered on time"), gettext_lazy("Queries")),
    "exceptions": (gettext_lazy("Exceptions contacted on time"), gettext_lazy("Exceptions")),
    "solutions": (
        gettext_lazy("Exceptions offered a solution on time"),
        gettext_lazy("Exceptions counted for solutions"),
    ),
    "accuracy": (gettext_lazy("Errors"), gettext_lazy("Items handled")),
}


def export_headers() -> list[str]:
    headers = [
        _("Employee number"),
        pgettext("person", "Name"),
        _("Org unit"),
        _("Position"),
        *(str(SCORE_LABELS[part]) for part in SCORES),
        _("Grade"),
        _("Eligible for a certificate"),
        _("Why not eligible"),
        _("Computed"),
        _("Required quizzes"),
        _("Quizzes not attempted"),
        _("Surveys"),
        _("Survey mean"),
        _("Complaints"),
        _("Complaint penalty"),
    ]
    for measure in arithmetic.MEASURES:
        headers.extend(str(label) for label in MEASURE_COUNT_LABELS[measure])
    headers.append(_("Teamwork evaluations"))
    return headers


def _number(value) -> float | None:
    """A decimal (or its text in an explanation) as a spreadsheet number."""
    return None if value in (None, "") else float(Decimal(value))


def explanation_inputs(explanation: Mapping) -> list:
    """The key inputs of a result's explanation, in `export_headers` order."""
    knowledge = explanation.get("knowledge") or {}
    satisfaction = explanation.get("satisfaction") or {}
    efficiency = explanation.get("efficiency") or {}
    teamwork = explanation.get("teamwork") or {}
    quizzes = knowledge.get("quizzes") or []
    complaints = satisfaction.get("complaints") or []
    cells = [
        len(quizzes),
        sum(1 for q in quizzes if q.get("missing")),
        sum(int(s.get("count", 0)) for s in satisfaction.get("sources") or []),
        _number(satisfaction.get("survey_mean")),
        # against the person, at fault (an explanation also lists those nobody handled)
        sum(1 for c in complaints if c.get("at_fault", True)),
        # every point off: at fault, and late replies to the complaints the person handled
        _number(
            satisfaction.get("penalty")
            or sum((Decimal(c.get("penalty", 0)) for c in complaints), Decimal(0))
        ),
    ]
    measures = {m.get("measure"): m for m in efficiency.get("measures") or []}
    for measure in arithmetic.MEASURES:
        line = measures.get(measure)
        cells.extend([line["numerator"], line["denominator"]] if line else [None, None])
    cells.append(len(teamwork.get("evaluations") or []))
    return cells


EXPORT_COLUMNS = (
    "user__username",
    "user__profile__full_name",
    "org_unit_id",
    "position",
    *SCORES,
    "grade",
    "eligible",
    "reasons",
    "computed_at",
    "explanation",
)


def export_rows(
    results: QuerySet[AssessmentResult], tree: Tree, policy: arithmetic.Policy | None = None
) -> Iterator[list]:
    """One row per person, read in chunks (one query with PostgreSQL's server-side cursor);
    `policy` (the cycle's) puts the floors and pass mark in the reasons."""
    yes, no = _("Yes"), _("No")
    ordered = results.order_by("org_unit__path", "user__username").values_list(*EXPORT_COLUMNS)
    for values in ordered.iterator(chunk_size=2000):
        number, name, unit_id, position = values[:4]
        scores = values[4 : 4 + len(SCORES)]
        grade, eligible, reasons, computed_at, explanation = values[4 + len(SCORES) :]
        yield [
            number,
            name or number,
            tree.full_name(unit_id),
            str(POSITION_LABELS.get(position, position)),
            *(_number(v) for v in scores),
            str(GRADE_LABELS.get(grade, "")),
            yes if eligible else no,
            " ".join(reason_text(code, policy) for code in reasons or []),
            computed_at,
            *explanation_inputs(explanation or {}),
        ]
