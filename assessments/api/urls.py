"""/api/v1/: the API, its OpenAPI schema (openapi.json) and its documentation page (docs).

Every call made with a token the site knows is audited once it is answered (the token, the
endpoint, the status and the counts the endpoint reported, never the payload), and answered
in the language of Accept-Language.
"""

from __future__ import annotations

from functools import wraps

from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled

from assessments.api import views
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


def _audited(view):
    @wraps(view)
    def answer(request, *args, **kwargs):
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
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


app_name = api.urls_namespace
urlpatterns = _patterns()
