"""The forms of cycles and appeals: opening a cycle, a person's question, HR's answer and
HR's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from assessments.models.appeals import ANSWER_MAX, COMMENT_MAX, AppealState
from assessments.models.cycles import AssessmentCycle, ScoringPolicy
from assessments.models.quizzes import QuizPage


class PolicyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ScoringPolicy) -> str:
        label = _("Version %(version)s") % {"version": obj.version}
        return f"{label} · {obj.note}" if obj.note else label


class QuizChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: QuizPage) -> str:
        return obj.title


class CycleForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=AssessmentCycle._meta.get_field("name").max_length,
        help_text=gettext_lazy("For example: 2026 fourth quarter."),
    )
    starts_on = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("The last day of the cycle, included."),
    )
    policy = PolicyChoiceField(
        label=gettext_lazy("Scoring policy version"),
        queryset=ScoringPolicy.objects.order_by("-version"),
        empty_label=None,
    )
    quizzes = QuizChoiceField(
        label=gettext_lazy("Required quizzes"),
        queryset=QuizPage.objects.live().order_by("title"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Each person's knowledge part is scored on these quizzes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        latest = self.fields["policy"].queryset.first()
        if latest is not None:
            self.fields["policy"].initial = latest.pk

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The cycle cannot end before it starts."))
        return data


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
