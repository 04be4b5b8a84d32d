"""The filters of HR's list of who has not acknowledged."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.acknowledgements.selectors import REASONS
from lms.models.org import OrgUnit


class OutstandingFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Org unit"),
        queryset=OrgUnit.objects.order_by("path"),
        required=False,
        to_field_name="code",
        empty_label=_("All"),
    )
    reason = forms.ChoiceField(
        label=_("Why"), required=False, choices=[("", _("All"))] + list(REASONS.items())
    )
