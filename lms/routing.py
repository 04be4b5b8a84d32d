"""Find a page in two queries instead of one per level of the tree.

Wagtail's `Page.route` walks down the tree: one query for each level, then
one for the specific page. A lesson sits five levels below the home page, so
that is ten queries before the page does anything. When every page on the
way routes the default way (none is a RoutablePage or overrides `route`), the
chain can be read at once by its URL paths; the result is the same page, or
the same 404. Anything else falls back to Wagtail's own walk.
"""

from django.http import Http404
from wagtail.models import Page
from wagtail.url_routing import RouteResult


class FastRouteMixin:
    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
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
            return super().route(request, path_components)
        page = chain[-1].specific
        page._cached_parent_obj = chain[-2] if len(chain) > 1 else self
        if not page.live:
            raise Http404
        return RouteResult(page)
