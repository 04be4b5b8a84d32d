"""The site's addresses: every feature's pages, then Wagtail's."""

import re

from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms import views
from lms.platform import health, media
from lms.sso import views as sso_views

urlpatterns = [
    # For load balancers and monitoring: database, cache, task queue (deploy/README.md).
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "favicon.svg")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    # "Confirm access" with the company's identity, beside allauth's own ways (lms.sso.reauth).
    path("accounts/reauthenticate/company/", sso_views.reauthenticate, name="sso_reauthenticate"),
    path("accounts/", include("allauth.urls")),
    # The Wagtail admin signs in through allauth, with its rate limits and MFA.
    path("cms/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Each feature's pages, under their part of the site (URLs are printed on certificates and
    # bookmarked: they stay as they are when code moves).
    path("learning/", include("courses.learning.urls")),
    path("learning/", include("courses.sessions.urls")),
    path("learning/", include("courses.acknowledgements.urls")),
    path("learning/", include("assessments.quizzes.urls")),
    path("data/", include("assessments.imports.urls")),
    path("data/", include("assessments.xapi.urls")),
    path("assessment/", include("assessments.scoring.urls")),
    path("assessment/", include("assessments.cycles.urls")),
    path("assessment/", include("assessments.retraining.urls")),
    path(
        "", include("assessments.certificates.urls")
    ),  # /certificates/, /assessment/certificates/, /verify/
    path("", include("lms.urls")),
    path("integrations/", include("lms.integrations.urls")),
    path("", include("lms.notifications.urls")),
    # The API for the company's other systems (docs/api.md), with its schema and docs page.
    path("api/v1/", include("assessments.api.urls")),
]


if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # Uploaded images on disk, DEBUG or not (with S3 the storage gives its own URLs).
    urlpatterns.append(
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$",
            media.media,
            name="media",
        )
    )


urlpatterns.append(path("", include(wagtail_urls)))

# The error pages, in the site's layout and the reader's language (lms.platform.errors).
handler400 = "lms.platform.errors.bad_request"
handler403 = "lms.platform.errors.permission_denied"
handler404 = "lms.platform.errors.page_not_found"
handler500 = "lms.platform.errors.server_error"
