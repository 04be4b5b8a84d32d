"""The site's URLs, plus a bare Django view to compare the pages with."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """No database, no template: what Django and the server cost on their own."""
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("lms.platform.urls")),
]
