"""The public verification pages (no sign-in): a form to type a code in, and the answer for a
code. HTTP only; what is shown and the rate limit are in `assessments.verification`."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from assessments.verification import (
    certificate_for_code,
    group_code,
    lookup_allowed,
    normalise_code,
)
from lms.audit import client_ip


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
            return redirect("verify:code", code=group_code(letters))
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
