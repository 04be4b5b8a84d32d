"""The certificates' pages: a person's own and their download; HR's list, issue, print and
revocation; the public verification. HTTP only."""

from __future__ import annotations

import io
import logging
import textwrap

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from assessments.certificates import filters as certificates_filters
from assessments.certificates import printing, selectors, services
from assessments.certificates import verification as certificates_verification
from assessments.certificates.content import subject_of
from assessments.certificates.forms import IssueForm, PrintForm, ReasonForm
from assessments.certificates.permissions import may_manage_certificates
from assessments.certificates.selectors import certificates_of
from assessments.certificates.verification import (
    certificate_for_code,
    group_code,
    lookup_allowed,
    normalise_code,
    verification_url,
)
from assessments.models.certificates import CertificateStatus
from assessments.models.cycles import AssessmentCycle, CycleState
from assessments.models.printing import PrintJob
from assessments.scoring.labels import GRADE_LABELS, PART_LABELS
from lms.audit import client_ip
from lms.models.accounts import Position
from lms.permissions import require

log = logging.getLogger(__name__)


# Views -------------------------------------------------------------------------------------


@login_required
def my_certificates(request):
    today = timezone.localdate()
    rows = [
        {
            "certificate": certificate,
            "status": certificate.status(today),
            "title": subject_of(certificate),
            "seal_url": certificates_verification.seal_url(certificate.seal),
            "verification_url": (
                verification_url(certificate)
                if certificate.revoked_at is None
                else ""  # nothing to share: the page says "revoked"
            ),
        }
        for certificate in certificates_of(request.user)
    ]
    return render(
        request,
        "certificates/mine.html",
        {"rows": rows, "statuses": CertificateStatus},
    )


@never_cache
@login_required
def certificate_download(request, pk: int):
    """The stored PDF, as an attachment named after the serial number; audited."""
    certificate = selectors.certificate_for_download(request.user, pk)
    if certificate is None:
        raise Http404
    if not certificate.pdf:
        return render(
            request,
            "certificates/download_pending.html",
            {"certificate": certificate},
            status=409,
        )
    try:
        handle = certificate.pdf.open("rb")
    except OSError:
        log.exception("The PDF of certificate %s is missing from storage", certificate.serial)
        raise Http404 from None
    services.certificate_downloaded(certificate=certificate, request=request)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )


PAGE_SIZE = 50


# The list and one certificate ----------------------------------------------------------------


@login_required
def certificate_list(request):
    require(may_manage_certificates(request.user))
    certificate_filter = certificates_filters.CertificateFilter(
        request.GET, queryset=selectors.certificates_for_hr()
    )
    query = request.GET.copy()
    query.pop("page", None)
    page_obj = Paginator(certificate_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for certificate in page_obj:
        certificate.status_now = certificate.status(today)
    form = certificate_filter.form
    print_query = {
        name: form.data.get(name)
        for name in ("cycle", "org_unit")
        if form.is_valid() and form.cleaned_data.get(name)
    }
    return render(
        request,
        "certificates/hr/list.html",
        {
            "filter": certificate_filter,
            "page_obj": page_obj,
            "query": query.urlencode(),
            "print_query": "&".join(f"{k}={v}" for k, v in print_query.items()),
        },
    )


def _certificate(request, pk: int):
    require(may_manage_certificates(request.user))
    certificate = selectors.certificate_for_hr(pk)
    if certificate is None:
        raise Http404
    return certificate


def _parts(content: dict) -> list[tuple[str, str | None]]:
    parts = (content.get("cycle") or {}).get("parts") or {}
    labels = {**PART_LABELS, "overall": gettext_lazy("Overall")}
    return [(label, parts.get(code)) for code, label in labels.items() if code in parts]


def _detail(request, certificate, *, revoke_form=None, reissue_form=None, status=200):
    content = certificate.content or {}
    cycle = content.get("cycle") or {}
    supersedes = getattr(certificate, "supersedes", None)
    return render(
        request,
        "certificates/hr/detail.html",
        {
            "certificate": certificate,
            "content": content,
            "course": content.get("course") or {},
            "cycle": cycle,
            "grade": GRADE_LABELS.get(cycle.get("grade"), ""),
            "position": dict(Position.choices).get(content.get("position"), ""),
            "parts": _parts(content),
            "status": certificate.status(),
            "code": group_code(certificate.code),
            # In groups of eight, so that it wraps on a phone.
            "sha256": " ".join(textwrap.wrap(certificate.sha256, 8)),
            "verification_url": certificates_verification.verification_url(certificate),
            "seal_url": certificates_verification.seal_url(certificate.seal),
            "supersedes": supersedes,
            "revoke_form": revoke_form or ReasonForm(prefix="revoke"),
            "reissue_form": reissue_form or ReasonForm(prefix="reissue"),
        },
        status=status,
    )


@login_required
def certificate_detail(request, pk: int):
    return _detail(request, _certificate(request, pk))


def _reason_action(request, pk: int, *, prefix: str, action, done_message: str):
    certificate = _certificate(request, pk)
    form = ReasonForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            result = action(
                certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:  # revoked already, say
            messages.error(request, " ".join(error.messages))
            return redirect("certificates:certificate_detail", certificate.pk)
        messages.success(request, done_message)
        return redirect("certificates:certificate_detail", result.pk)
    return _detail(request, certificate, status=400, **{f"{prefix}_form": form})


@login_required
@require_POST
def certificate_revoke(request, pk: int):
    return _reason_action(
        request,
        pk,
        prefix="revoke",
        action=services.certificate_revoke,
        done_message=_("The certificate is revoked; its verification page says so."),
    )


@login_required
@require_POST
def certificate_reissue(request, pk: int):
    return _reason_action(
        request,
        pk,
        prefix="reissue",
        action=services.certificate_reissue,
        done_message=_(
            "The certificate is re-issued with a new serial number; the old one is revoked."
        ),
    )


# Issuing a cycle's certificates --------------------------------------------------------------


@login_required
def certificate_issue(request, cycle_id: int):
    require(may_manage_certificates(request.user))
    cycle = get_object_or_404(AssessmentCycle, pk=cycle_id)
    finalised = cycle.state == CycleState.FINALISED
    form = IssueForm(request.POST if request.method == "POST" else request.GET or None)
    unit = form.cleaned_data.get("org_unit") if form.is_valid() else None
    if request.method == "POST":
        if not finalised:
            messages.error(request, _("Certificates are issued only for a finalised cycle."))
            return redirect("certificates:certificate_issue", cycle.pk)
        if form.is_valid():
            users = None
            if unit is not None:
                users = list(
                    selectors.eligible_without_certificate(cycle, unit).values_list(
                        "user_id", flat=True
                    )
                )
            try:
                issued = (
                    services.certificates_issue_for_cycle(
                        cycle=cycle, by=request.user, users=users
                    )
                    if users is None or users
                    else []
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                if issued:
                    messages.success(
                        request,
                        ngettext(
                            "%(n)s certificate issued; its PDF is being rendered.",
                            "%(n)s certificates issued; their PDFs are being rendered.",
                            len(issued),
                        )
                        % {"n": len(issued)},
                    )
                    return redirect(
                        reverse("certificates:certificate_list") + f"?cycle={cycle.pk}"
                    )
                messages.info(request, _("Everyone eligible holds a certificate of this cycle."))
            return redirect("certificates:certificate_issue", cycle.pk)
    waiting = holders = 0
    if finalised:
        waiting = selectors.eligible_without_certificate(cycle, unit).count()
        holders = cycle.certificates.filter(revoked_at__isnull=True).count()
    return render(
        request,
        "certificates/hr/issue.html",
        {
            "cycle": cycle,
            "finalised": finalised,
            "form": form if form.is_bound else IssueForm(),
            "unit": unit,
            "waiting": waiting,
            "holders": holders,
        },
    )


# Printing ------------------------------------------------------------------------------------


def _chosen(data: dict):
    return selectors.certificates_for_print(
        cycle=data.get("cycle"),
        unit=data.get("org_unit"),
        ids=data.get("ids") or None,
        unprinted=bool(data.get("unprinted")),
    )


def _pdf_response(content: bytes, *, inline: bool, filters: dict) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = printing.content_disposition(filters, inline=inline)
    response["Cache-Control"] = "private, no-store"
    return response


def _print(request, form: PrintForm) -> HttpResponse | None:
    """The PDF at once (a small batch), or a redirect to the job joining it in the
    background; None, with the form's error, when there is nothing (or too much) to print."""
    data = form.cleaned_data
    out = io.BytesIO()
    try:
        printed = services.certificates_print(
            out=out,
            by=request.user,
            cycle=data.get("cycle"),
            unit=data.get("org_unit"),
            ids=data.get("ids") or None,
            unprinted=bool(data.get("unprinted")),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None
    if printed.job is not None:
        return redirect("certificates:print_job", printed.job.pk)
    filters = printing.print_filters(
        cycle=data.get("cycle"),
        unit=data.get("org_unit"),
        ids=data.get("ids") or None,
        unprinted=bool(data.get("unprinted")),
    )
    return _pdf_response(out.getvalue(), inline=data.get("inline", False), filters=filters)


@login_required
def certificate_print(request):
    require(may_manage_certificates(request.user))
    if request.method == "POST":
        form = PrintForm(request.POST)
    else:
        form = PrintForm(request.GET) if request.GET else PrintForm()
    count = None
    if form.is_bound and form.is_valid():
        if request.method == "POST":
            response = _print(request, form)
            if response is not None:
                return response
        else:
            count = _chosen(form.cleaned_data).count()
    return render(
        request,
        "certificates/hr/print.html",
        {
            "form": form,
            "count": count,
            "small_batch": printing.SMALL_BATCH,
            "jobs": selectors.recent_print_jobs(),
        },
    )


def _job(request, job_id: int) -> PrintJob:
    require(may_manage_certificates(request.user))
    return get_object_or_404(PrintJob.objects.select_related("created_by__profile"), pk=job_id)


@login_required
def print_job(request, job_id: int):
    job = _job(request, job_id)
    percent = printing.print_job_progress(job)
    return render(
        request,
        "certificates/hr/print_job.html",
        {
            "job": job,
            "running": percent is not None,
            "percent": percent or 0,
            "keep_days": settings.LMS_PRINT_JOB_DAYS,
            "stalled": printing.STALLED,
            "stuck": percent is None and printing.print_job_stuck(job),
            "given_up": job.failure.startswith(printing.GIVEN_UP),
        },
    )


@login_required
@require_POST
def print_job_retry(request, job_id: int):
    job = _job(request, job_id)
    try:
        services.print_job_retry(job=job, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The print job was started again."))
    return redirect("certificates:print_job", job.pk)


@login_required
def print_job_status(request, job_id: int):
    job = _job(request, job_id)
    percent = printing.print_job_progress(job)
    return JsonResponse({"state": job.state, "running": percent is not None, "percent": percent})


@login_required
def print_job_download(request, job_id: int):
    job = _job(request, job_id)
    if not job.file:
        raise Http404
    response = FileResponse(job.file.open("rb"), content_type="application/pdf")
    # Named by cycle and unit (FileResponse's own header has either name, never both).
    response["Content-Disposition"] = printing.content_disposition(
        job.filters or {}, when=job.created_at
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _private(response):
    # Nobody should find these pages through a search engine.
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_safe
def verify_form(request):
    """The form; with ?code=..., the code's page (the code normalised and grouped)."""
    error = ""
    typed = request.GET.get("code")
    if typed is not None:
        letters = normalise_code(typed)
        if letters:
            return redirect("certificates:verify", code=group_code(letters))
        error = _("Type the code printed on the certificate.")
    return _private(
        render(
            request,
            "certificates/verify.html",
            {"error": error, "typed": (typed or "")[:64]},
        )
    )


@never_cache
@require_safe
def verify_code(request, code: str):
    """What the certificate with this code says, or that there is none: the same answer for
    an unknown and a malformed code, and both count toward the rate limit."""
    decision = lookup_allowed(client_ip(request))
    if not decision.allowed:
        response = render(request, "certificates/verify_limited.html", status=429)
        response.headers["Retry-After"] = str(decision.retry_after)
        return _private(response)
    verification = certificate_for_code(code)
    return _private(
        render(
            request,
            "certificates/verify_result.html",
            {"verification": verification},
            status=200 if verification else 404,
        )
    )
