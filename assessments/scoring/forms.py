"""The one form with every number of the scoring policy; it builds a `scoring.Policy`."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.scoring import arithmetic
from assessments.scoring.labels import (
    APPLIES_LABELS,
    ATTEMPT_RULE_LABELS,
    BAND_CODES,
    CATEGORY_LABELS,
    GRADE_LABELS,
    MEASURE_LABELS,
    PART_LABELS,
    POSITION_LABELS,
    SOURCE_LABELS,
    plain,
)

HUNDRED = Decimal(100)


def _number(label, *, required=True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=9,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"step": "any", "class": "number"}),
    )


# The positions that can be assessed: those with measures or parts (frontline staff).
ASSESSED_POSITIONS = ("courier", "customer_service", "station_staff")


class PolicyForm(forms.Form):
    """Bands are entered as percentages (95, not 0.95); a blank grid cell: does not apply."""

    def __init__(self, *args, policy: arithmetic.Policy, **kwargs):
        super().__init__(*args, **kwargs)
        initial = {}
        for part in arithmetic.PARTS:
            self.fields[f"part_{part}"] = _number(PART_LABELS[part])
            initial[f"part_{part}"] = policy.part_weights.get(part)
        self.fields["attempt_rule"] = forms.ChoiceField(
            label=_("Which attempt counts"),
            choices=[(rule, ATTEMPT_RULE_LABELS[rule]) for rule in arithmetic.ATTEMPT_RULES],
            widget=forms.RadioSelect,
        )
        initial["attempt_rule"] = policy.attempt_rule
        for source, label in SOURCE_LABELS.items():
            self.fields[f"source_{source}"] = _number(label)
            initial[f"source_{source}"] = policy.source_weights.get(source, Decimal(0))
        for category, label in CATEGORY_LABELS.items():
            self.fields[f"penalty_{category}"] = _number(label)
            initial[f"penalty_{category}"] = policy.complaint_penalties.get(category, Decimal(0))
        self.fields["late_reply_penalty"] = _number(_("First reply after 24 hours"))
        initial["late_reply_penalty"] = policy.late_reply_penalty
        for measure in arithmetic.MEASURES:
            band = policy.measure_bands.get(measure)
            self.fields[f"zero_{measure}"] = _number(
                _("%(measure)s: the rate that scores 0") % {"measure": MEASURE_LABELS[measure]}
            )
            self.fields[f"target_{measure}"] = _number(
                _("%(measure)s: the rate that scores 100") % {"measure": MEASURE_LABELS[measure]}
            )
            initial[f"zero_{measure}"] = None if band is None else plain(band[0] * HUNDRED)
            initial[f"target_{measure}"] = None if band is None else plain(band[1] * HUNDRED)
        applies = [(code, APPLIES_LABELS[code]) for code in ("required", "if_data", "")]
        for position in ASSESSED_POSITIONS:
            for part in arithmetic.PARTS:
                name = f"applies_{position}_{part}"
                self.fields[name] = forms.ChoiceField(
                    label=PART_LABELS[part], choices=applies, required=False
                )
                initial[name] = policy.applies(position, part) or ""
        for position in POSITION_LABELS:
            weights = policy.position_measures.get(position, {})
            for measure in arithmetic.MEASURES:
                name = f"weight_{position}_{measure}"
                self.fields[name] = _number(MEASURE_LABELS[measure], required=False)
                initial[name] = weights.get(measure)
        for code in BAND_CODES:
            self.fields[f"band_{code}"] = _number(GRADE_LABELS[code])
        for band in policy.bands:
            initial[f"band_{band.code}"] = band.minimum
        for part in arithmetic.PARTS:
            self.fields[f"floor_{part}"] = _number(PART_LABELS[part])
            initial[f"floor_{part}"] = policy.floors.get(part, Decimal(0))
        self.fields["note"] = forms.CharField(
            label=_("What changed"),
            max_length=255,
            help_text=_("Kept with the new version, for whoever reads the history."),
        )
        for name, value in initial.items():
            self.fields[name].initial = plain(value) if isinstance(value, Decimal) else value

    def group(self, prefix: str) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(prefix)]

    def part_fields(self):
        return self.group("part_")

    def source_fields(self):
        return self.group("source_")

    def penalty_fields(self):
        return [*self.group("penalty_"), self["late_reply_penalty"]]

    def target_fields(self):
        """(zero, full) field pairs, a measure each."""
        return [(self[f"zero_{m}"], self[f"target_{m}"]) for m in arithmetic.MEASURES]

    def applies_grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(position label, a field per part) for the position x part table."""
        return [
            (
                POSITION_LABELS[position],
                [self[f"applies_{position}_{p}"] for p in arithmetic.PARTS],
            )
            for position in ASSESSED_POSITIONS
        ]

    def band_fields(self):
        return self.group("band_")

    def floor_fields(self):
        return self.group("floor_")

    def grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(position label, a field per measure) for the position x measure table."""
        return [
            (label, [self[f"weight_{position}_{m}"] for m in arithmetic.MEASURES])
            for position, label in POSITION_LABELS.items()
        ]

    def policy(self) -> arithmetic.Policy:
        data = self.cleaned_data

        def numbers(prefix: str, keys) -> dict[str, Decimal]:
            return {key: data[f"{prefix}{key}"] for key in keys}

        position_measures = {}
        for position in POSITION_LABELS:
            weights = {
                m: data[f"weight_{position}_{m}"]
                for m in arithmetic.MEASURES
                if data[f"weight_{position}_{m}"] is not None
            }
            if weights:
                position_measures[position] = weights
        return arithmetic.Policy(
            part_weights=numbers("part_", arithmetic.PARTS),
            attempt_rule=data["attempt_rule"],
            source_weights=numbers("source_", SOURCE_LABELS),
            complaint_penalties=numbers("penalty_", CATEGORY_LABELS),
            late_reply_penalty=data["late_reply_penalty"],
            measure_bands={
                m: (data[f"zero_{m}"] / HUNDRED, data[f"target_{m}"] / HUNDRED)
                for m in arithmetic.MEASURES
            },
            position_measures=position_measures,
            bands=tuple(arithmetic.Band(code, data[f"band_{code}"]) for code in BAND_CODES),
            floors=numbers("floor_", arithmetic.PARTS),
            position_parts={
                position: {
                    part: data[f"applies_{position}_{part}"]
                    for part in arithmetic.PARTS
                    if data[f"applies_{position}_{part}"]
                }
                for position in ASSESSED_POSITIONS
            },
        )
