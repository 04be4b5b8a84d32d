"""The forms of the learning pages: a new assignment, the progress report's filters."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models.pages import CoursePage
from lms.forms import OrgUnitChoiceField
from lms.models.accounts import Position, StaffProfile
from lms.models.org import OrgUnit
from lms.permissions import staff_visibility
from lms.selectors import org_units_visible_to


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.get_module_display()})"


class AssignmentForm(forms.Form):
    TARGET_PEOPLE = "people"
    TARGET_RULE = "rule"
    DUE_NONE = "none"
    DUE_DATE = "date"
    DUE_AFTER_HIRE = "after_hire"

    course = CourseChoiceField(label=_("Course"), queryset=CoursePage.objects.none())
    target = forms.ChoiceField(
        label=_("Assign to"),
        choices=[(TARGET_PEOPLE, _("Named people")), (TARGET_RULE, _("Everyone matching a rule"))],
        widget=forms.RadioSelect,
        initial=TARGET_PEOPLE,
    )
    employee_numbers = forms.CharField(
        label=_("Employee numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Separated by spaces, commas or new lines."),
    )
    org_unit = OrgUnitChoiceField(
        label=_("Org unit (and the units below it)"),
        queryset=OrgUnit.objects.none(),
        required=False,
    )
    position = forms.ChoiceField(
        label=_("Position"), choices=[("", _("Any position"))] + Position.choices, required=False
    )
    hired_within_days = forms.IntegerField(
        label=_("Hired within the last (days)"), min_value=1, max_value=3650, required=False
    )
    due = forms.ChoiceField(
        label=_("Due"),
        choices=[
            (DUE_NONE, _("No due date")),
            (DUE_DATE, _("On a date")),
            (DUE_AFTER_HIRE, _("A number of days after each person's hire date")),
        ],
        widget=forms.RadioSelect,
        initial=DUE_DATE,
    )
    due_on = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_days_after_hire = forms.IntegerField(
        label=_("Days after hire"), min_value=1, max_value=3650, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["course"].queryset = CoursePage.objects.live().order_by("path")
        self.fields["org_unit"].queryset = org_units_visible_to(user)

    def clean(self):
        data = super().clean()
        if data.get("target") == self.TARGET_PEOPLE:
            data["people"] = self._people(data.get("employee_numbers", ""))
            data["org_unit"], data["position"], data["hired_within_days"] = None, "", None
        elif data.get("target") == self.TARGET_RULE:
            data["people"] = []
            if not (data.get("org_unit") or data.get("position") or data.get("hired_within_days")):
                raise forms.ValidationError(
                    _("Give at least one part of the rule: org unit, position or hire date.")
                )
        if data.get("due") == self.DUE_DATE and not data.get("due_on"):
            self.add_error("due_on", _("Give the due date."))
        if data.get("due") == self.DUE_AFTER_HIRE and not data.get("due_days_after_hire"):
            self.add_error("due_days_after_hire", _("Give the number of days."))
        if data.get("due") != self.DUE_DATE:
            data["due_on"] = None
        if data.get("due") != self.DUE_AFTER_HIRE:
            data["due_days_after_hire"] = None
        return data

    def _people(self, text: str):
        numbers = [n for n in re.split(r"[\s,\uff0c;\uff1b\u3001]+", text.strip()) if n]
        if not numbers:
            self.add_error("employee_numbers", _("Give at least one employee number."))
            return []
        found = {
            p.user.username: p.user
            for p in StaffProfile.objects.filter(
                staff_visibility.q(self.user), user__username__in=numbers
            ).select_related("user")
        }
        unknown = [n for n in numbers if n not in found]
        if unknown:
            self.add_error(
                "employee_numbers",
                _("Unknown or not yours to assign: %(numbers)s") % {"numbers": ", ".join(unknown)},
            )
        return list({n: found[n] for n in numbers if n in found}.values())


class ReportFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Org unit"), queryset=OrgUnit.objects.none(), required=False, to_field_name="code"
    )
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=CoursePage.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("open", _("Not completed")),
            ("overdue", _("Overdue")),
            ("completed", _("Completed")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = org_units_visible_to(user)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("path")
