"""The forms of the question bank's files page: importing a file, exporting the bank."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models.bank import QuestionCategory
from assessments.questions import files as question_files
from lms.platform.uploads import check_upload


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("GIFT (.gift, .txt), Moodle XML (.xml), CSV (.csv) or Excel (.xlsx)."),
    )
    category = forms.CharField(
        label=_("Category for questions the file puts in none"),
        required=False,
        help_text=_("A path such as 客户服务知识/投诉处理; created if it does not exist."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload, "questions")  # bytes, and what an XLSX unpacks to
        if question_files.kind_of(upload.name) is None:
            raise forms.ValidationError(
                _(
                    "Question files are GIFT (.gift, .txt), Moodle XML (.xml), CSV (.csv) "
                    "or Excel (.xlsx)."
                )
            )
        return upload


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("gift", "GIFT"),
            ("xml", "Moodle XML"),
            ("csv", "CSV"),
            ("xlsx", "Excel (XLSX)"),
        ],
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=QuestionCategory.objects.all(),
        required=False,
        empty_label=_("The whole bank"),
    )
