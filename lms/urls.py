from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms import health, views

urlpatterns = [
    # For load balancers and monitoring: database, cache, task queue (deploy/README.md).
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=settings.STATIC_URL + "favicon.svg")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    # The Wagtail admin signs in through allauth, with its rate limits and MFA.
    path("cms/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("learning/", include("courses.urls")),
    path("learning/", include("assessments.urls")),
    path("data/", include("assessments.data_urls")),
    path("assessment/", include("assessments.assessment_urls")),
    path("certificates/", include("assessments.certificate_urls")),
    path("verify/", include("assessments.verify_urls")),
    path("", include("lms.app_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include(wagtail_urls)))
