"""The forms of the trainers' quiz pages: grading an answer, the grading queue's filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models.quizzes import QuizPage


class GradeForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment for the learner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, mark, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            "score": forms.DecimalField(
                label=_("Score"),
                min_value=0,
                max_value=mark,
                decimal_places=2,
                help_text=_("Out of %(mark)s.") % {"mark": mark},
            ),
            **self.fields,
        }


class QueueFilter(forms.Form):
    quiz = forms.ModelChoiceField(
        label=gettext_lazy("Quiz"),
        queryset=QuizPage.objects.order_by("title"),
        required=False,
        empty_label=gettext_lazy("All quizzes"),
    )
