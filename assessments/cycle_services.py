"""Creating an assessment cycle (issue 7): a name, a date window, a policy version and the
required quizzes, checked whole before anything is written."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import AssessmentCycle, QuizPage, ScoringPolicy


@transaction.atomic
def cycle_create(
    *,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    policy: ScoringPolicy,
    quizzes: Iterable[QuizPage],
    by=None,
) -> AssessmentCycle:
    """A new draft cycle; ValidationError (by field) and nothing written when it is wrong."""
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if starts_on and ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The cycle cannot end before it starts."))
    if name and AssessmentCycle.objects.filter(name=name).exists():
        errors.setdefault("name", []).append(_("A cycle with this name already exists."))
    if policy is None or not ScoringPolicy.objects.filter(pk=policy.pk).exists():
        errors.setdefault("policy", []).append(_("Choose an existing policy version."))
    if errors:
        raise ValidationError(errors)
    cycle = AssessmentCycle(name=name, starts_on=starts_on, ends_on=ends_on, policy=policy)
    cycle.full_clean()
    cycle.save()
    cycle.required_quizzes.set(list(quizzes))
    return cycle
