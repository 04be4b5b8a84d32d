"""The forms of HR's certificate pages: issuing, printing, revoking and re-issuing."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.certificates import filters, printing, selectors
from assessments.models.cycles import AssessmentCycle
from lms.models.org import OrgUnit

MAX_SELECTION = printing.MAX_BATCH


# Forms ---------------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Give the reason.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason."))
        return reason


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.depth_indent}{obj.name}"


class IdsField(forms.Field):
    """Certificate ids, from checkboxes or hidden inputs (many values of one name)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            ids = sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise ValidationError(_("Choose certificates from the list.")) from None
        if len(ids) > MAX_SELECTION:
            raise ValidationError(
                _("Choose at most %(n)s certificates at once.") % {"n": MAX_SELECTION}
            )
        return ids


class PrintForm(forms.Form):
    cycle = forms.ModelChoiceField(
        label=gettext_lazy("Cycle"), queryset=AssessmentCycle.objects.none(), required=False
    )
    org_unit = UnitChoiceField(
        label=gettext_lazy("Org unit (and below)"),
        queryset=OrgUnit.objects.none(),
        required=False,
    )
    unprinted = forms.BooleanField(
        label=gettext_lazy("Only those not printed yet"),
        required=False,
        help_text=gettext_lazy("Issued and rendered, and in no printout yet."),
    )
    ids = IdsField(required=False)
    inline = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = selectors.cycles_with_certificates()
        self.fields["org_unit"].queryset = filters.org_unit_choices()

    def clean(self):
        data = super().clean()
        if not (
            data.get("cycle") or data.get("org_unit") or data.get("ids") or data.get("unprinted")
        ):
            raise ValidationError(
                _(
                    "Choose a cycle, an org unit, those not printed yet or certificates from "
                    "the list to print."
                )
            )
        return data


class IssueForm(forms.Form):
    org_unit = UnitChoiceField(
        label=gettext_lazy("Only in this org unit (and below)"),
        queryset=OrgUnit.objects.none(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = filters.org_unit_choices()
