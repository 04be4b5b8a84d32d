"""HR's scoring policy: the current version, the form that adds a version, old versions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from assessments.models.cycles import ScoringPolicy
from assessments.scoring import arithmetic, labels, selectors, services
from assessments.scoring.forms import ASSESSED_POSITIONS, PolicyForm
from assessments.scoring.permissions import may_change_policy, may_read_policy
from lms.permissions import require


def _weight(policy: arithmetic.Policy, position: str, measure: str):
    weight = policy.position_measures.get(position, {}).get(measure)
    return None if weight is None else labels.plain(weight)


def _tables(policy: arithmetic.Policy) -> dict:
    """The policy as rows of (label, value) for the read-only page."""
    plain = labels.plain
    return {
        "parts": [
            (
                labels.PART_LABELS[part],
                plain(policy.part_weights.get(part, arithmetic.ZERO)),
                plain(policy.floors.get(part, arithmetic.ZERO)),
            )
            for part in arithmetic.PARTS
        ],
        "attempt_rule": labels.ATTEMPT_RULE_LABELS.get(policy.attempt_rule, policy.attempt_rule),
        "sources": [
            (label, plain(policy.source_weights.get(source, arithmetic.ZERO)))
            for source, label in labels.SOURCE_LABELS.items()
        ],
        "penalties": [
            (label, plain(policy.complaint_penalties.get(category, arithmetic.ZERO)))
            for category, label in labels.CATEGORY_LABELS.items()
        ],
        "late_reply_penalty": plain(policy.late_reply_penalty),
        "measures": [
            (
                labels.MEASURE_LABELS[measure],
                plain(policy.measure_bands[measure][0] * 100)
                if measure in policy.measure_bands
                else None,
                plain(policy.measure_bands[measure][1] * 100)
                if measure in policy.measure_bands
                else None,
            )
            for measure in arithmetic.MEASURES
        ],
        "part_labels": [labels.PART_LABELS[part] for part in arithmetic.PARTS],
        "applies": [
            (
                labels.POSITION_LABELS[position],
                [
                    labels.APPLIES_LABELS[policy.applies(position, part) or ""]
                    for part in arithmetic.PARTS
                ],
            )
            for position in ASSESSED_POSITIONS
        ],
        "measure_labels": [labels.MEASURE_LABELS[m] for m in arithmetic.MEASURES],
        "grid": [
            (label, [_weight(policy, position, m) for m in arithmetic.MEASURES])
            for position, label in labels.POSITION_LABELS.items()
        ],
        "bands": [
            (labels.GRADE_LABELS.get(band.code, band.code), plain(band.minimum))
            for band in policy.bands
        ],
    }


@login_required
def policy_detail(request):
    require(may_read_policy(request.user))
    versions = list(selectors.policy_versions())
    current = versions[0]
    return render(
        request,
        "assessments/policy/detail.html",
        {"version": current, "current": True, "versions": versions, **_tables(current.policy)},
    )


@login_required
def policy_version(request, version: int):
    require(may_read_policy(request.user))
    shown = get_object_or_404(
        ScoringPolicy.objects.select_related("created_by__profile"), version=version
    )
    current = selectors.policy_current()
    return render(
        request,
        "assessments/policy/detail.html",
        {
            "version": shown,
            "current": shown.version == current.version,
            "current_version": current,
            **_tables(shown.policy),
        },
    )


@login_required
def policy_edit(request):
    require(may_change_policy(request.user))
    current = selectors.policy_current()
    form = PolicyForm(request.POST or None, policy=current.policy)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.policy_save(
                form.policy(), note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if saved.version == current.version:
                messages.info(
                    request,
                    _("Nothing changed: the policy stays at version %(version)d.")
                    % {"version": saved.version},
                )
            else:
                messages.success(
                    request,
                    _("The policy was saved as version %(version)d.") % {"version": saved.version},
                )
            return redirect("scoring:policy")
    return render(request, "assessments/policy/edit.html", {"form": form, "version": current})
