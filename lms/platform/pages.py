"""What a page shows besides its own fields, supplied by the feature that serves it.

A page model lives in its app's `models/`, which every selector of the app imports: a page
that asked a selector for its context (a course's progress, a lesson's state) would import it
back. So a page model asks this registry instead, and each feature registers, once the apps
are loaded (`AppConfig.ready`), the function that gives its pages their context:

    page_contexts.register(CoursePage, views.course_page_context)

The function takes the page, the request and the context Wagtail made, and returns what to add
to it (or None). `FeatureContextMixin.get_context` does the adding.
"""

from __future__ import annotations

from collections.abc import Callable

PageContext = Callable[[object, object, dict], "dict | None"]


class PageContexts:
    def __init__(self):
        self._functions: dict[type, PageContext] = {}

    def register(self, page_class: type, function: PageContext) -> None:
        self._functions[page_class] = function

    def add_to(self, page, request, context: dict) -> dict:
        """`context` with what the function registered for the page's class (or the nearest
        class it inherits from) adds."""
        for cls in type(page).__mro__:
            function = self._functions.get(cls)
            if function is not None:
                context.update(function(page, request, context) or {})
                break
        return context


page_contexts = PageContexts()


class FeatureContextMixin:
    """A page whose context its feature supplies (`page_contexts`)."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        return page_contexts.add_to(self, request, context)
