"""The words of the scoring: parts, measures, grades, sources, categories, positions and the
policy's problems, as the pages, the explanations and the exports show them."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PART_LABELS = {
    "knowledge": _("Knowledge"),
    "satisfaction": _("Customer satisfaction"),
    "efficiency": _("Work efficiency"),
    "teamwork": _("Teamwork and communication"),
}


ATTEMPT_RULE_LABELS = {
    "best": _("The best attempt"),
    "latest": _("The latest attempt"),
    "mean": _("The mean of all attempts"),
}


MEASURE_LABELS = {
    "pickups": _("Pick-ups within 2 hours"),
    "deliveries": _("Deliveries within 24 hours"),
    "queries": _("Queries answered within 5 minutes"),
    "exceptions": _("Exceptions contacted within 2 hours"),
    "solutions": _("Exceptions offered a solution within 2 hours"),
    "accuracy": _("Accuracy (items handled without error)"),
}


# Whether a part applies to a position (the policy's `position_parts`); None: it does not.
APPLIES_LABELS = {
    "required": _("Applies"),
    "if_data": _("Applies when there is data"),
    "": _("Does not apply"),
}


GRADE_LABELS = {
    "excellent": _("Excellent"),
    "good": _("Good"),
    "pass": _("Pass"),
    "fail": _("Fail"),
}


BAND_CODES = ("excellent", "good", "pass")


# The words of the models' choices (SurveySource, ComplaintCategory, Position), kept here so that
# the explanations need no model; tests/assessments/scoring/test_labels.py holds them equal.
SOURCE_LABELS = {
    "questionnaire": _("Questionnaire"),
    "phone": _("Phone interview"),
    "online": _("Online survey"),
    "mystery_shopper": _("Mystery shopping"),
}


CATEGORY_LABELS = {
    "service": _("Service"),
    "transport": _("Transport"),
    "information": _("Information"),
    "other": pgettext_lazy("complaint category", "Other"),
}


POSITION_LABELS = {
    "courier": _("Courier"),
    "customer_service": _("Customer-service agent"),
    "station_staff": _("Station staff"),
    "trainer": _("Trainer"),
    "hr": _("HR"),
    "manager": _("Manager"),
}


# Where a teamwork score came from: the drill rubric, or an imported evaluation.
EVALUATION_LABELS = {
    "drill": _("Drill evaluation"),
    "team_project": _("Team project evaluation"),
    "communication_case": _("Communication case evaluation"),
}


PROBLEM_MESSAGES = {
    "part_weights_missing": _("Every part needs a weight of zero or more."),
    "part_weights_sum": _("The part weights must add up to 100; they add up to %(total)s."),
    "attempt_rule": _("“%(rule)s” is not an attempt rule: choose best, latest or mean."),
    "source_weights": _(
        "Survey source weights cannot be negative, and at least one must be above zero."
    ),
    "negative_penalty": _("Complaint penalties and the late-reply penalty cannot be negative."),
    "measure_band": _(
        "The band for “%(measure)s” must go from a rate that scores 0 to a higher rate that "
        "scores 100, both between 0 and 100%%; it goes from %(zero)s%% to %(target)s%%."
    ),
    "position_measures": _(
        "The measure weights for %(position)s must be zero or more, on known measures."
    ),
    "measure_without_target": _("“%(measure)s” applies to a position but has no target."),
    "bands_order": _(
        "The grade bands must go down: excellent above good, good above pass, none equal."
    ),
    "bands_range": _("The grade bands must lie above 0 and at most 100."),
    "floors_range": _("Every part's floor must lie between 0 and 100."),
    "position_parts": _("The parts that apply to %(position)s must be known parts."),
    "position_no_parts": _("At least one part must apply to %(position)s."),
}


def plain(value: Decimal) -> Decimal:
    """A number without trailing zeros and never in exponent form: 95.00 -> 95, 0.50 -> 0.5."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def problem_message(code: str, params: dict) -> str:
    params = dict(params)
    if "measure" in params:
        params["measure"] = MEASURE_LABELS.get(params["measure"], params["measure"])
    if "position" in params:
        params["position"] = POSITION_LABELS.get(params["position"], params["position"])
    for key in ("target", "zero"):
        if key in params:
            params[key] = plain(Decimal(params[key]) * 100)
    return str(PROBLEM_MESSAGES[code] % params)
