"""Panels that higher apps add to the pages of `lms`, which cannot import them.

The home page shows each registered home panel for the signed-in person; a
staff member's page shows each staff panel about that person. A panel is a
template and a function that returns its context, or None to stay hidden.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable  # (request, user) -> dict | None
    order: int = 50


class PanelRegistry:
    def __init__(self):
        self._panels: dict[str, Panel] = {}

    def register(self, panel: Panel) -> None:
        self._panels[panel.name] = panel

    def render(self, request, user, *, orders: range | None = None) -> list[str]:
        """The HTML of every panel that has something to show about `user` (of those whose
        order is in `orders`, when given)."""
        html = []
        for panel in sorted(self._panels.values(), key=lambda p: p.order):
            if orders is not None and panel.order not in orders:
                continue
            context = panel.context(request, user)
            if context is not None:
                html.append(render_to_string(panel.template, context, request=request))
        return html


home_panels = PanelRegistry()

# Home panels ordered below this are notices, shown above "what needs me today".
NOTICE_ORDERS = range(0, 10)


staff_panels = PanelRegistry()
