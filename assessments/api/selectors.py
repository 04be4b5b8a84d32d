"""What the API reads: finalised cycles' results and certificates, each list in a fixed order
(so that pages don't overlap) and with what its rows show already joined."""

from __future__ import annotations

from assessments.imports.values import BadValue, parse_employee_number
from assessments.models import AssessmentCycle, AssessmentResult, Certificate
from assessments.models.cycles import CycleState


def _of_number(found, employee_number: str | None):
    """`found` narrowed to one person's rows, their employee number read as the imports read
    it (full-width characters made half-width); nothing for text no employee number can be
    (a NUL, which PostgreSQL refuses in a query, or more than 32 characters)."""
    if not employee_number:
        return found
    try:
        number = parse_employee_number(employee_number.strip())
    except BadValue:
        return found.none()
    return found.filter(user__username=number)


def finalised_cycles():
    return AssessmentCycle.objects.filter(state=CycleState.FINALISED).order_by("starts_on", "pk")


def finalised_results(*, cycle: int | None = None, employee_number: str | None = None):
    """Results of finalised cycles only: a cycle still being computed changes."""
    results = AssessmentResult.objects.filter(cycle__state=CycleState.FINALISED)
    if cycle is not None:
        results = results.filter(cycle_id=cycle)
    results = _of_number(results, employee_number)
    return results.select_related("cycle", "user__profile", "org_unit").order_by(
        "cycle__starts_on", "cycle_id", "user__username"
    )


def certificates(*, cycle: int | None = None, employee_number: str | None = None):
    found = Certificate.objects.all()
    if cycle is not None:
        found = found.filter(cycle_id=cycle)
    found = _of_number(found, employee_number)
    return found.select_related("user__profile", "course").order_by("issued_at", "pk")
