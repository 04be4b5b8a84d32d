"""Find a page without walking the tree; the pages' version, which caches of pages key on.

Wagtail's `Page.route` walks down the tree: one query for each level, then
one for the specific page. A lesson sits five levels below the home page, so
that is ten queries before the page does anything. When every page on the
way routes the default way (none is a RoutablePage or overrides `route`), the
chain can be read at once by its URL paths (two queries); the result is the
same page, or the same 404. Anything else falls back to Wagtail's own walk.

The page found is then kept in the configured cache under the pages' version,
so that the next request for the same path reads no table at all.

`pages_version()` is a token that changes whenever any page, site, view
restriction, image or document changes (saved, published, unpublished,
moved or deleted, from any process: `lms.receivers` connects `pages_changed`
to each of them). What is cached from pages (the routed page, a lesson's
rendered body, a course's outline, the site) has it in its key, so a change
shows at once on every app server sharing the cache. With the local-memory
cache (the default without CACHE_URL), each process has its own, which would not
see the changes other processes make (a second gunicorn worker, a command): the
page caches are then off (`LMS_PAGE_CACHE`, on by default only with a shared cache),
every request reading a version of its own.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.http.request import split_domain_port
from django.urls import get_script_prefix, get_urlconf, reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

VERSION_KEY = "lms:pages-version"


ROUTE_TIMEOUT = 24 * 3600


def code_tag(*paths) -> str:
    """A short digest of source files, for cache keys: new code never reads old entries.

    A deployment that changes how an entry is made (a template, a class that is
    pickled) changes the digest, so the app servers running the new code miss
    what the old code left in the shared cache, and the other way round.
    """
    digest = hashlib.sha1(usedforsecurity=False)
    for path in sorted(str(p) for p in paths):
        with open(path, "rb") as file:
            digest.update(file.read())
    return digest.hexdigest()[:10]


_REVERSED: dict[tuple, str] = {}


def reverse_once(viewname: str, *args) -> str:
    """`reverse(viewname, args=args)`, made once per process for each URL configuration and
    script prefix: for the addresses every page has (the layout's forms, a lesson's "I have
    finished"), whose reversal on each request cost a tenth of a lesson page's time."""
    key = (viewname, args, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    url = _REVERSED.get(key)
    if url is None:
        url = _REVERSED[key] = reverse(viewname, args=args)
    return url


def pages_version(request=None) -> str:
    """The current version of the pages; read once per request when given one."""
    if request is not None:
        version = getattr(request, "_lms_pages_version", None)
        if version is not None:
            return version
    if not settings.LMS_PAGE_CACHE:
        version = uuid.uuid4().hex  # nothing kept from one request to the next
    else:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = cache.get(VERSION_KEY) or version
    if request is not None:
        request._lms_pages_version = version
    return version


def bump_pages_version() -> None:
    """Make every cache keyed by the pages' version miss: now, and again at commit.

    The second change covers a reader that filled a cache between the change and
    its commit (it saw the old rows under the new version).
    """
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None))


def content_models() -> list:
    """What the cached pages are made of: the pages (a page is deleted as Page too), the sites,
    the view restrictions, the images and the documents. `lms.receivers` connects
    `pages_changed` to their saves and deletions model by model, and to every page model's
    (a page is saved, published and moved as its own class, LessonPage...): a receiver without
    a sender would run on every save of every model, and make Django collect rows one by one
    on every bulk delete."""
    return [Page, Site, PageViewRestriction, get_image_model(), get_document_model()]


def pages_changed(sender, **kwargs) -> None:
    bump_pages_version()


# The site, the routes and the restricted pages are kept each under a key of its own with the
# pages' version in the value: the middleware then reads the version, the request's site and
# route and the restricted pages in one round trip to the cache (`prefetch`), and an entry
# of another version is a miss.
RESTRICTED_KEY = "lms:restricted-pages"


def _host(request) -> str:
    return f"{split_domain_port(request._get_raw_host())[0]}:{request.get_port()}"


def _site_key(request) -> str:
    return f"lms:site:{_host(request)}"


def _route_key(request, path_components) -> str:
    return f"lms:route:{_host(request)}:{'/'.join(path_components)}"


def _current(entry, version: str):
    """What a (version, value) entry holds if it is of `version`, else None."""
    if entry is not None and entry[0] == version:
        return entry[1]
    return None


def prefetch(request) -> None:
    """Read the pages' version, the request's site, its route (for a page's address) and the
    restricted pages in one round trip, and leave them on the request (`cached_site`, the
    routing and `restricted_page_ids` take them from there)."""
    components = [part for part in request.path.split("/") if part]
    keys = [VERSION_KEY, _site_key(request), _route_key(request, components), RESTRICTED_KEY]
    found = cache.get_many(keys)
    if VERSION_KEY not in found:
        return  # made, and the rest read, as they are asked for
    version = request._lms_pages_version = found[VERSION_KEY]
    request._lms_site = _current(found.get(keys[1]), version)
    request._lms_route = (components, found.get(keys[2]))
    request._lms_restricted = _current(found.get(keys[3]), version)


def cached_site(request):
    """The request's Wagtail site as kept in the cache (None: not kept yet)."""
    if hasattr(request, "_lms_site"):
        return request._lms_site
    return _current(cache.get(_site_key(request)), pages_version(request))


def remember_site(request, site) -> None:
    """Keep the site Wagtail found for the request, its root page the specific page (the
    one a page's URL and the home page need), under the pages' version."""
    if site is None:
        return
    root = site.root_page.specific
    root.__dict__.pop("_wagtail_cached_site_root_paths", None)
    site.root_page = root
    cache.set(_site_key(request), (pages_version(request), site), ROUTE_TIMEOUT)


def restricted_page_ids(page=None) -> frozenset[int]:
    """The pages with a view restriction (password, sign-in, groups), cached per version.

    Routing reads them with the route and leaves them on the page it found.
    """
    ids = getattr(page, "_lms_restricted_ids", None)
    if ids is not None:
        return ids
    version = pages_version()
    ids = _current(cache.get(RESTRICTED_KEY), version)
    if ids is None:
        ids = frozenset(PageViewRestriction.objects.values_list("page_id", flat=True))
        cache.set(RESTRICTED_KEY, (version, ids), ROUTE_TIMEOUT)
    return ids


class FastRouteMixin:
    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        version = pages_version(request)
        key = _route_key(request, path_components)
        prefetched, entry = getattr(request, "_lms_route", (None, None))
        restricted = getattr(request, "_lms_restricted", None)
        if prefetched != list(path_components):
            found = cache.get_many([key, RESTRICTED_KEY])
            entry, restricted = found.get(key), _current(found.get(RESTRICTED_KEY), version)
        # An entry is of a version and of the page routing started from (a site's root).
        page = entry[2] if entry and entry[:2] == (version, self.pk) else None
        if page is None:
            page = self._chain(path_components)
            if page is None:  # a page on the way routes its own way, or none is there
                return super().route(request, path_components)
            cache.set(key, (version, self.pk, _for_cache(page)), ROUTE_TIMEOUT)
        if restricted is not None:  # else read when Wagtail asks (restricted_page_ids)
            page._lms_restricted_ids = restricted
        if not page.live:
            raise Http404
        return RouteResult(page)

    def _chain(self, path_components):
        """The page at the end of the path, read with its ancestors at once, or None."""
        prefixes = [
            self.url_path + "/".join(path_components[: n + 1]) + "/"
            for n in range(len(path_components))
        ]
        chain = sorted(
            Page.objects.filter(
                url_path__in=prefixes, path__startswith=self.path, depth__gt=self.depth
            ),
            key=lambda page: page.depth,
        )
        default_route = all(
            page.specific_class is not None and page.specific_class.route is Page.route
            for page in chain
        )
        if len(chain) != len(prefixes) or not default_route:
            return None
        page = chain[-1].specific
        page._cached_parent_obj = chain[-2] if len(chain) > 1 else self
        return page


def _for_cache(page: Page) -> Page:
    """The page (with its parent) as it may be pickled: without what a request left on it."""
    for obj in (page, getattr(page, "_cached_parent_obj", None)):
        if obj is not None:
            obj.__dict__.pop("_wagtail_cached_site_root_paths", None)
    return page
