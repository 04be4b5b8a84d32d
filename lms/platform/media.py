"""The public uploads on disk, served by the application: Wagtail's images (the originals and
their renditions), with DEBUG off too, cached by browsers and proxies for a year.

Only those folders: Wagtail's documents live under MEDIA_ROOT too (documents/), and are served
by `/documents/<id>/<name>` after their collection's view restrictions are checked, never by
their file's path; the private files (imports, certificate PDFs, drill evidence, print jobs)
are under PRIVATE_ROOT, outside MEDIA_ROOT, and no URL reaches them. An image's file never
changes under its name (a new upload is a new name, a rendition's name holds its filter and
the original's hash), so a year's caching is safe.

With files on S3 the storage gives its own URLs and this view is not routed. A proxy in front
may serve the same folders itself (deploy/nginx.conf); then requests never get here.
"""

import posixpath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.views.decorators.http import require_safe
from django.views.static import serve

PUBLIC_FOLDERS = ("original_images/", "images/")
CACHE_CONTROL = "public, max-age=31536000, immutable"


@require_safe
def media(request, path: str):
    if not posixpath.normpath(path).startswith(PUBLIC_FOLDERS):
        raise Http404
    try:
        # Joined safely (nothing out of MEDIA_ROOT); If-Modified-Since answered with 304.
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:
        raise Http404 from None
    response["Cache-Control"] = CACHE_CONTROL
    return response
