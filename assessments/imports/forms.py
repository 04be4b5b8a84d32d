"""The upload form of HR's data imports."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models.metrics import ImportKind
from lms.platform.uploads import check_upload

EXTENSIONS = (".csv", ".txt", ".xlsx")


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8 or GB18030, as Excel saves it) or Excel (.xlsx)."),
    )
    full_roster = forms.BooleanField(
        label=gettext_lazy("This is the full roster: mark everyone missing from it as left"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(
                _("Import files are CSV (.csv) or Excel (.xlsx); save an .xls file as .xlsx.")
            )
        check_upload(upload, "import")
        return upload
