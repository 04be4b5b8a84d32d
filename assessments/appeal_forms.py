"""The forms of appeals: the person's question, HR's answer, HR's list filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models import AppealState, AssessmentCycle
from assessments.models.appeals import ANSWER_MAX, COMMENT_MAX


class AppealForm(forms.Form):
    comment = forms.CharField(
        label=_("What do you think is wrong?"),
        max_length=COMMENT_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Say which quiz, survey, complaint or figure you mean and why. HR reads it, checks "
            "the data and answers here."
        ),
        error_messages={"required": _("Say what you think is wrong with this part.")},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=pgettext_lazy("appeal", "Answer"),
        max_length=ANSWER_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write the answer the person will read.")},
    )
    recompute = forms.BooleanField(
        label=_("Recompute the cycle after answering"),
        required=False,
        help_text=_(
            "Tick it once the data is corrected: everyone's results in the cycle are "
            "computed again."
        ),
    )

    def __init__(self, *args, finalised: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if finalised:
            self.fields["recompute"].disabled = True
            self.fields["recompute"].help_text = _(
                "This cycle is finalised: its results can no longer be recomputed."
            )


class AppealFilterForm(forms.Form):
    cycle = forms.ModelChoiceField(
        label=_("Cycle"),
        queryset=AssessmentCycle.objects.order_by("-starts_on", "name"),
        required=False,
        empty_label=_("All cycles"),
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("All")), *AppealState.choices],
        required=False,
    )
