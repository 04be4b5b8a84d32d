"""The retraining rule's form: what it answers, what it gives, for whom."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import Page

from assessments.models.metrics import ComplaintCategory
from assessments.models.retraining import RetrainingPart, RetrainingRule, RetrainingTrigger
from assessments.retraining.services import RuleInput
from courses.learning.forms import CourseChoiceField
from courses.models.live import DrillPage
from courses.models.pages import CoursePage, LessonPage
from lms.forms import OrgUnitChoiceField
from lms.models.org import OrgUnit
from lms.permissions import staff_scope
from lms.selectors import org_units_visible_to


class RetrainingRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    trigger = forms.ChoiceField(
        label=_("Trigger"), choices=RetrainingTrigger.choices, widget=forms.RadioSelect
    )
    complaint_category = forms.ChoiceField(
        label=_("Complaint category"),
        choices=[("", _("Any category"))] + ComplaintCategory.choices,
        required=False,
        help_text=_("For a complaint: the manual's four categories (4.2.1)."),
    )
    part = forms.ChoiceField(
        label=_("Part of the score"),
        choices=[("", "—")] + RetrainingPart.choices,
        required=False,
        help_text=_("For a cycle: the part whose score the rule watches."),
    )
    floor = forms.DecimalField(
        label=_("Floor"),
        min_value=0,
        max_value=100,
        decimal_places=1,
        required=False,
        help_text=_(
            "Below this score the course is given. Leave empty for the floor of the cycle's "
            "scoring policy (for the overall score: its pass mark)."
        ),
    )
    course = CourseChoiceField(label=_("Course to give"), queryset=CoursePage.objects.none())
    focus_page = forms.TypedChoiceField(
        label=_("Start with"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Optional: one lesson of the course, or a drill, to point the learner to."),
    )
    due_days = forms.IntegerField(label=_("Due in (days)"), min_value=1, max_value=365, initial=14)
    applies_from = forms.DateField(
        label=_("Applies from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Complaints received, and cycles ending, on or after this day."),
    )
    org_unit = OrgUnitChoiceField(
        label=_("Org unit (and the units below it)"),
        queryset=OrgUnit.objects.none(),
        required=False,
    )
    active = forms.BooleanField(
        label=pgettext_lazy("rule state", "Active"), required=False, initial=True
    )

    def __init__(self, *args, user, rule: RetrainingRule | None = None, **kwargs):
        if rule is not None:
            kwargs.setdefault("initial", _initial(rule))
        else:
            kwargs.setdefault("initial", {"applies_from": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("path")
        self.fields["focus_page"].choices = [("", "—"), *_focus_choices()]
        self.fields["org_unit"].queryset = org_units_visible_to(user)
        if staff_scope(user).everyone:
            self.fields["org_unit"].empty_label = _("The whole company")
            self.fields["org_unit"].help_text = _("Leave empty for the whole company.")
        else:
            self.fields["org_unit"].required = True

    def clean(self):
        data = super().clean()
        trigger = data.get("trigger")
        if trigger == RetrainingTrigger.LOW_PART and not data.get("part"):
            self.add_error("part", _("Choose the part whose score the rule watches."))
        return data

    def rule_input(self) -> RuleInput:
        data = self.cleaned_data
        focus = data.get("focus_page")
        return RuleInput(
            name=data["name"],
            trigger=data["trigger"],
            complaint_category=data.get("complaint_category") or "",
            part=data.get("part") or "",
            floor=data.get("floor"),
            course=data["course"],
            focus_page=Page.objects.filter(pk=focus).first() if focus else None,
            due_days=data["due_days"],
            applies_from=data["applies_from"],
            org_unit=data.get("org_unit"),
            active=data.get("active", False),
        )


def _initial(rule: RetrainingRule) -> dict:
    return {
        "name": rule.name,
        "trigger": rule.trigger,
        "complaint_category": rule.complaint_category,
        "part": rule.part,
        "floor": rule.floor,
        "course": rule.course_id,
        "focus_page": rule.focus_page_id,
        "due_days": rule.due_days,
        "applies_from": rule.applies_from,
        "org_unit": rule.org_unit_id,
        "active": rule.active,
    }


def _focus_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """The lessons of each live course, under the course's title, then the drills."""
    courses = {c.path: c.title for c in CoursePage.objects.live().only("path", "title")}
    steplen = CoursePage.steplen
    groups: dict[str, list[tuple[int, str]]] = {}
    for lesson in LessonPage.objects.live().only("pk", "title", "path").order_by("path"):
        course = courses.get(lesson.path[:-steplen])
        if course is not None:
            groups.setdefault(course, []).append((lesson.pk, lesson.title))
    drills = [
        (d.pk, d.title) for d in DrillPage.objects.live().only("pk", "title").order_by("path")
    ]
    choices = list(groups.items())
    if drills:
        choices.append((str(_("Drills")), drills))
    return choices
