"""The site's URL conf with one page that fails, for the browser test of the 500 page: the
error is real (an exception in a view, handled by the site's handler500), only its cause is
made up."""

from django.urls import path

from lms.platform.urls import handler400, handler403, handler404, handler500, urlpatterns


def broken(request):
    raise RuntimeError("a page that fails, for the 500 page's test")


urlpatterns = [path("broken/", broken), *urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
