"""Import and export of the question bank, in the Wagtail admin. HTTP only."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet

from assessments.questions import files as question_files
from assessments.questions import selectors, services, spreadsheet
from assessments.questions.forms import ExportForm, ImportForm
from assessments.questions.permissions import may_export_questions, may_import_questions
from assessments.questions.problems import QuestionImportError
from lms.permissions import require

_SKIPPED_SHOWN = 10  # Moodle's descriptions an import skipped, named one by one


def _language() -> str:
    return "zh" if (get_language() or "").startswith("zh") else "en"


def files(request):
    require(may_import_questions(request.user))
    import_form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and import_form.is_valid():
        upload = import_form.cleaned_data["file"]
        try:
            report = services.questions_import_file(
                upload.name,
                upload.read(),
                default_category=import_form.cleaned_data["category"],
                by=request.user,
            )
        except QuestionImportError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _(
                    "File imported: %(added)d questions added, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % {
                    "added": len(report.added),
                    "updated": len(report.updated),
                    "unchanged": len(report.unchanged),
                },
            )
            for skipped in report.skipped[:_SKIPPED_SHOWN]:
                messages.warning(request, skipped.message)
            if len(report.skipped) > _SKIPPED_SHOWN:
                more = len(report.skipped) - _SKIPPED_SHOWN
                messages.warning(
                    request,
                    ngettext(
                        "And %(count)d more item was skipped.",
                        "And %(count)d more items were skipped.",
                        more,
                    )
                    % {"count": more},
                )
            return redirect("wagtailsnippets_assessments_question:list")
    return render(
        request,
        "assessments/admin/question_files.html",
        {
            "import_form": import_form,
            "export_form": ExportForm(),
            "problems": problems,
            "export_url": reverse("question_files:export"),
        },
    )


def export(request):
    require(may_export_questions(request.user))
    form = ExportForm(request.GET)
    if not form.is_valid():
        return redirect("question_files:files")
    kind = form.cleaned_data["format"]
    questions = [q.to_data() for q in selectors.questions_in(form.cleaned_data["category"])]
    response = HttpResponse(
        question_files.write(questions, kind, _language()),
        content_type=question_files.CONTENT_TYPES[kind],
    )
    response["Content-Disposition"] = (
        f'attachment; filename="questions.{question_files.EXTENSIONS[kind]}"'
    )
    return response


def template(request, kind: str):
    require(may_import_questions(request.user))
    if kind not in ("csv", "xlsx"):
        raise Http404
    language = _language()
    if kind == "xlsx":
        data = spreadsheet.template_xlsx(language)
    else:
        data = spreadsheet.template_csv(language)
    response = HttpResponse(data, content_type=question_files.CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="questions-template.{kind}"'
    return response


class QuestionFilesMenuItem(MenuItem):
    def is_shown(self, request):
        return may_import_questions(request.user)


class QuestionFilesViewSet(ViewSet):
    name = "question_files"
    icon = "upload"
    menu_label = _("Import and export")

    def get_urlpatterns(self):
        return [
            path("", files, name="files"),
            path("export/", export, name="export"),
            path("template.<str:kind>", template, name="template"),
        ]

    def get_menu_item(self, order=None):
        return QuestionFilesMenuItem(
            self.menu_label, self.menu_url, icon_name=self.icon, order=order or 900
        )
