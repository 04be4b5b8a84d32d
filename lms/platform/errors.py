"""The error pages (400, 403, 404, 500 and a refused form), in the site's layout and the
reader's language, each saying what happened and offering the way back.

The 500 page is rendered without the request's context processors: whatever failed (the
database, the cache) may be what they need.
"""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token


def _back(request) -> str:
    """The page the person came from, when it is one of ours."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def _page(request, template: str, status: int, **extra) -> HttpResponse:
    try:
        back = _back(request)
    except Exception:  # a bad Host header is itself a 400
        back = ""
    context = {"back_url": back, "next_path": request.get_full_path(), **extra}
    return render(request, template, context, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _page(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _page(request, "403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _page(request, "404.html", 404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent from a page kept open too long or after signing out."""
    return _page(request, "403_csrf.html", 403)


def server_error(request):
    """No context processors, no database: the template reads only the language."""
    return HttpResponseServerError(loader.get_template("500.html").render())


def admin_denied(request):
    """A signed-in person without access to the Wagtail admin who opens /cms/."""
    return _page(request, "403_admin.html", 403)
