"""The form HR fills in to open an assessment cycle."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import AssessmentCycle, QuizPage, ScoringPolicy


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
