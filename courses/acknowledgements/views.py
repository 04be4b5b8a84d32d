"""The information-security text's acknowledgement, and HR's list of who has not
acknowledged. HTTP only: parse, ask permissions, call a selector or service, render."""

from __future__ import annotations

from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from courses.acknowledgements import selectors, services
from courses.acknowledgements.forms import OutstandingFilterForm
from courses.acknowledgements.permissions import may_read_acknowledgements
from courses.models.acknowledgements import ConfidentialityPage
from lms.audit import PersonalRecord, audited_rows, client_ip, personal_listed
from lms.permissions import require
from lms.platform.exports import table_response
from lms.platform.routing import reverse_once

PAGE_SIZE = 50


EXPORT_CHUNK = 1000


def confidentiality_page_context(page, request, context) -> dict:
    """The reader's standing with the text: what they acknowledged, whether they must now."""
    if getattr(request, "is_preview", False):
        return {"preview": True}
    text = selectors.current_text(request)
    if text is None or text.pk != page.pk:  # a text not (or no longer) published
        return {}
    return {
        "standing": selectors.standing(request.user, text),
        "acknowledge_url": reverse_once("acknowledgements:acknowledge"),
        "next": _safe_next(request, request.GET.get("next", "")),
    }


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@login_required
@require_POST
def acknowledge(request):
    page = ConfidentialityPage.objects.live().order_by("path").first()
    if page is None:
        raise Http404
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        _acknowledgement, made = services.acknowledge(
            user=request.user, page=page, version=version, ip_address=client_ip(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(page.url)
    if made:
        messages.success(
            request,
            _("Thank you: your acknowledgement of version %(version)d is recorded.")
            % {"version": page.version},
        )
    return redirect(_safe_next(request, request.POST.get("next", "")) or page.url)


@login_required
def report(request):
    require(may_read_acknowledgements(request.user))
    text = selectors.current_text(request)
    form = OutstandingFilterForm(request.GET or None)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    unit, reason = data.get("unit"), data.get("reason", "")
    if text is None:
        return render(request, "courses/acknowledgements/report.html", {"form": form})
    now = timezone.now()
    queryset = selectors.outstanding(text, unit=unit, reason=reason, now=now)
    scope = {"unit": unit.pk if unit else None, "reason": reason, "version": text.version}
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _export(request, fmt, text, queryset, scope, now)
    total, unit_rows = selectors.by_unit(text, parent=unit, now=now)
    query = request.GET.copy()
    query.pop("page", None)
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(p, selectors.row_reason(p, text, now=now)) for p in page_obj.object_list]
    personal_listed(
        request=request,
        record=PersonalRecord.CONFIDENTIALITY,
        people=len(rows),
        scope={**scope, "list": "confidentiality", "page": page_obj.number},
    )
    context = {
        "form": form,
        "text": text,
        "unit": unit,
        "total": total,
        "unit_rows": unit_rows,
        "page_obj": page_obj,
        "rows": rows,
        "query": query.urlencode(),
        "reason": reason,
    }
    return render(request, "courses/acknowledgements/report.html", context)


def _rows(text, queryset, now):
    names = selectors.unit_names()
    iterator = queryset.iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(iterator, EXPORT_CHUNK)):
        for profile in chunk:
            yield [
                profile.user.username,
                profile.full_name,
                names.get(profile.org_unit_id, profile.org_unit.name),
                profile.get_position_display(),
                profile.hire_date,
                selectors.row_reason(profile, text, now=now),
                profile.last_version,
                profile.last_at,
            ]


def _export(request, fmt, text, queryset, scope, now):
    headers = [
        _("Employee number"),
        pgettext("person", "Name"),
        _("Org unit"),
        _("Position"),
        _("Hire date"),
        _("Why"),
        _("Last version acknowledged"),
        _("Last acknowledged at"),
    ]
    rows = audited_rows(
        _rows(text, queryset, now),
        request=request,
        record=PersonalRecord.CONFIDENTIALITY,
        scope={**scope, "list": "confidentiality", "format": fmt},
    )
    return table_response(fmt, "confidentiality-outstanding", headers, rows, _("Not acknowledged"))
