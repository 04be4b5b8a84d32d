"""HR's data imports: upload, preview, confirm, history. HTTP only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.imports import selectors, services
from assessments.imports import templates as file_templates
from assessments.imports.forms import UploadForm
from assessments.imports.permissions import may_import_data
from assessments.imports.problems import Problem
from assessments.models.metrics import ImportBatch, ImportKind
from lms.audit import PersonalRecord, audited_rows
from lms.permissions import require
from lms.platform.exports import XLSX_TYPE, table_response


@login_required
def import_list(request):
    require(may_import_data(request.user))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = services.import_upload(
            kind=form.cleaned_data["kind"],
            name=upload.name,
            stream=upload,
            by=request.user,
            full_roster=form.cleaned_data["full_roster"],
        )
        return redirect("imports:import_detail", batch.pk)
    page_obj = Paginator(selectors.batches(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/imports/list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "query": "",
            "kinds": ImportKind.choices,
        },
    )


def _batch(request, batch_id: int) -> ImportBatch:
    require(may_import_data(request.user))
    return get_object_or_404(selectors.batches(), pk=batch_id)


@login_required
def import_detail(request, batch_id: int):
    batch = _batch(request, batch_id)
    problems = [Problem.from_json(p) for p in batch.problems]
    return render(
        request,
        "assessments/imports/detail.html",
        {
            "batch": batch,
            "problems": problems,
            "running": selectors.is_running(batch),
            "waiting": selectors.is_waiting(batch),
            "stuck": selectors.is_stuck(batch),
            "given_up": selectors.was_given_up(batch),
            "may_retry": selectors.may_retry(batch),
            "may_cancel": selectors.may_cancel(batch),
            "percent": selectors.progress_of(batch),
        },
    )


@login_required
def import_status(request, batch_id: int):
    batch = _batch(request, batch_id)
    return JsonResponse(
        {
            "state": batch.state,
            "running": selectors.is_running(batch),
            "label": batch.get_state_display(),
            "percent": selectors.progress_of(batch),
        }
    )


@login_required
@require_POST
def import_confirm(request, batch_id: int):
    batch = _batch(request, batch_id)
    try:
        services.import_confirm(batch=batch, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:import_detail", batch.pk)


@login_required
@require_POST
def import_cancel(request, batch_id: int):
    batch = _batch(request, batch_id)
    if services.import_cancel(batch=batch, by=request.user):
        messages.success(request, _("The import was cancelled; nothing was written."))
        return redirect("imports:import_list")
    messages.error(request, _("This import is being written now: it cannot be cancelled."))
    return redirect("imports:import_detail", batch.pk)


@login_required
@require_POST
def import_retry(request, batch_id: int):
    batch = _batch(request, batch_id)
    try:
        services.import_retry(batch=batch, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The file is being checked again; then confirm the import."))
    return redirect("imports:import_detail", batch.pk)


@login_required
def import_problems(request, batch_id: int):
    batch = _batch(request, batch_id)
    headers = [_("Line"), _("Column"), _("Value"), _("Problem")]
    rows = (
        [p.line or "", p.column, p.value, p.message]
        for p in (Problem.from_json(data) for data in batch.problems)
    )
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    # the values of the rows in error are the file's: names, numbers, e-mail addresses
    rows = audited_rows(
        rows,
        request=request,
        record=PersonalRecord.IMPORT_PROBLEMS,
        scope={"batch": batch.pk, "kind": batch.kind},
        target=batch,
    )
    return table_response(fmt, f"import-{batch.pk}-problems", headers, rows, _("Problems"))


@login_required
def template_download(request, kind: str, language: str, fmt: str):
    require(may_import_data(request.user))
    if kind not in ImportKind.values or language not in ("en", "zh") or fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "xlsx":
        data = file_templates.template_xlsx(kind, language)
        content_type = XLSX_TYPE
    else:
        data = file_templates.template_csv(kind, language)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template-{language}.{fmt}"'
    return response
