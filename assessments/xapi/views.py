"""The administrators' page of the learning records: what waits for the Learning Record Store,
and why; and "try again now". HTTP only."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from assessments.xapi import selectors, services
from assessments.xapi.permissions import may_retry, may_see_outbox
from lms.permissions import require

PAGE_SIZE = 50


@login_required
def outbox(request):
    require(may_see_outbox(request.user))
    unsent = Paginator(selectors.unsent_statements(), PAGE_SIZE)
    page_obj = unsent.get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/xapi/outbox.html",
        {
            "configured": services.configured(),
            "endpoint": settings.LMS_XAPI_ENDPOINT,
            "counts": selectors.outbox_counts(),
            "page_obj": page_obj,
            "query": "",
            "can_retry": may_retry(request.user),
        },
    )


@login_required
@require_POST
def retry(request):
    require(may_retry(request.user))
    waiting = services.statements_retry_now()
    messages.success(
        request,
        ngettext(
            "%(count)s statement will be sent now.",
            "%(count)s statements will be sent now.",
            waiting,
        )
        % {"count": waiting},
    )
    return redirect("xapi:outbox")
