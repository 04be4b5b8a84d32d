"""The form an administrator fills in to create an integration token."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.models.integrations import TokenScope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which system uses it, such as “HR system (production)”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give only what the system needs."),
    )
