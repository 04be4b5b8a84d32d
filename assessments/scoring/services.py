"""The scoring policy HR edits: versions are only ever added, nonsense is refused."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from assessments.models.cycles import ScoringPolicy
from assessments.scoring import arithmetic
from assessments.scoring.labels import problem_message


@transaction.atomic
def policy_save(policy: arithmetic.Policy, *, note: str, by) -> ScoringPolicy:
    """Add the next version; refuse nonsense; an unchanged policy adds nothing."""
    problems = arithmetic.policy_problems(policy)
    if problems:
        raise ValidationError([problem_message(code, params) for code, params in problems])
    last = ScoringPolicy.objects.select_for_update().order_by("-version").first()
    if last is not None and last.policy == policy:
        return last
    return ScoringPolicy.objects.create(
        version=(last.version + 1) if last else 1,
        data=arithmetic.policy_to_json(policy),
        note=note,
        created_by=by,
    )
