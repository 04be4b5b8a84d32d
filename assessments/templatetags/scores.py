# Chinese text is written with its own full-width punctuation.
# ruff: noqa: RUF002
"""Scores as people write them: "10 / 10 分（100%）" in Chinese, "10 / 10 (100%)" in
English, "80 分及格"; no trailing zeros ("7.5", never "7.50"), digits as the reader's
language writes them.

    {% load scores %}
    {{ attempt.score|number }}
    {% score attempt.score attempt.max_score attempt.percent %}
    {{ quiz.pass_percent|pass_mark }}
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def number(value) -> str:
    """A score, a mark or a percent without trailing zeros ("10", "7.5"), in the reader's
    language's digits and decimal sign; "" for None."""
    if value is None or value == "":
        return ""
    try:
        exact = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    exact = exact.normalize()
    if exact == exact.to_integral_value():
        exact = exact.quantize(Decimal(1))  # 1E+1 -> 10
    places = max(0, -exact.as_tuple().exponent)
    return number_format(exact, decimal_pos=places)


@register.simple_tag
def score(value, out_of, percent=None) -> str:
    """`{% score 10 10 100 %}`: "10 / 10 分（100%）", "10 / 10 (100%)"; without a percent,
    "10 / 10 分", "10 / 10"."""
    params = {"score": number(value), "max": number(out_of)}
    if percent is None:
        return _("%(score)s / %(max)s") % params
    params["percent"] = number(percent)
    return _("%(score)s / %(max)s (%(percent)s%%)") % params


@register.filter
def percent(value) -> str:
    """`{{ 87.50|percent }}`: "87.5%"."""
    return _("%(percent)s%%") % {"percent": number(value)}


@register.filter
def pass_mark(value) -> str:
    """`{{ quiz.pass_percent|pass_mark }}`: "80 分及格", "80% to pass"."""
    return _("%(percent)s%% to pass") % {"percent": number(value)}
