"""/api/v1/: the API, its OpenAPI schema (openapi.json) and its documentation page (docs).

Every call made with a token the site knows is audited once it is answered (the token, the
endpoint, the status and the counts the endpoint reported, never the payload), and answered
in the language of Accept-Language. Every refusal is JSON, `{"detail": …}`: a body that
isn't JSON (400), one beyond DATA_UPLOAD_MAX_MEMORY_SIZE (413), a method an endpoint doesn't
offer (405, with Allow), a path that isn't one (404).
"""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import re_path
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled

from assessments.api import views
from assessments.api.parser import JsonBody
from lms.integrations.services import api_call_record

api = NinjaAPI(
    title="LMS API",
    version="1",
    description=(
        "For the company's other systems (HR's): sync the staff roster and push metrics with "
        "the file imports' checks; read finalised results and certificates. Authenticate "
        "with an integration token (Authorization: Bearer lms_…) that an administrator "
        "creates; each endpoint needs one scope. See docs/api.md."
    ),
    urls_namespace="api",
    parser=JsonBody(),
)
api.add_router("/", views.writes)
api.add_router("/", views.reads)


@api.exception_handler(AuthenticationError)
def _unauthorized(request, error):
    response = api.create_response(
        request,
        {"detail": _("A valid integration token is needed (Authorization: Bearer lms_…).")},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def _throttled(request, error):
    return api.create_response(
        request,
        {"detail": _("Too many calls with this token; try again after Retry-After seconds.")},
        status=429,
    )


@api.exception_handler(HttpError)
def _http_error(request, error):
    if error.status_code == 400 and error.__cause__ is not None:
        return _bad_body(request, error.__cause__)
    return api.create_response(request, {"detail": str(error)}, status=error.status_code)


def _bad_body(request, cause):
    """A body django-ninja couldn't parse: said so in the caller's language, with where the
    JSON goes wrong when that is known."""
    if isinstance(cause, json.JSONDecodeError):
        detail = _(
            "The body isn't JSON (line %(line)s, column %(column)s): send an object such "
            'as {"rows": [...]}, in UTF-8, with Content-Type: application/json.'
        ) % {"line": cause.lineno, "column": cause.colno}
    else:
        detail = _(
            "The body isn't JSON text in UTF-8: send an object such as "
            '{"rows": [...]}, with Content-Type: application/json.'
        )
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(RequestDataTooBig)
def _too_big(request, error):
    return api.create_response(
        request,
        {
            "detail": _("The body is larger than %(max)s bytes: send the rows in several calls.")
            % {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        },
        status=413,
    )


def _not_allowed(request, response):
    """Django-ninja's 405 (plain text) as JSON, naming the methods the endpoint offers."""
    allowed = response["Allow"]
    answer = api.create_response(
        request,
        {
            "detail": _("%(method)s isn't offered here; this endpoint takes %(allowed)s.")
            % {"method": request.method, "allowed": allowed}
        },
        status=405,
    )
    answer["Allow"] = allowed
    return answer


def _audited(view):
    @wraps(view)
    def answer(request, *args, **kwargs):
        language = translation.get_language_from_request(request)
        with translation.override(language):
            try:
                response = view(request, *args, **kwargs)
            except Http404:  # django-ninja's /api/v1/ itself, which only names the docs
                response = _not_found(request)
            if isinstance(response, HttpResponseNotAllowed):
                response = _not_allowed(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers["Content-Language"] = language
        token = getattr(request, "api_token", None)
        if token is not None:
            api_call_record(
                token=token,
                endpoint=f"{request.method} {request.path}",
                status=response.status_code,
                details=getattr(request, "api_counts", None),
            )
        return response

    return answer


def _patterns() -> list:
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        pattern.callback = _audited(pattern.callback)
    return patterns


def _not_found(request, path=""):
    """Any other path below /api/v1/ (a typo, a trailing slash): 404 as JSON, not the
    site's page, and not a redirect to the path with a slash, which a POST can't follow."""
    with translation.override(translation.get_language_from_request(request)):
        detail = _("There is no such endpoint; the list is at /api/v1/docs.")
    return JsonResponse({"detail": detail}, status=404)


app_name = api.urls_namespace
urlpatterns = [*_patterns(), re_path(r"^(?P<path>.*)$", _not_found, name="not_found")]
