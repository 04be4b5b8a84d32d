"""The layout's own tags: the page's title in the top bar, and the tab bar's icons."""

from django import template
from django.template.base import NodeList
from django.template.loader_tags import BlockNode
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def page_title(context) -> str:
    """The page's `{% block title %}` once more (a block can be declared only once): what
    the page put there, as the page rendered it in <title>."""
    return BlockNode("title", NodeList()).render(context).strip()


# 24-by-24 outline icons, drawn here so that no request leaves for an icon font.
_ICONS = {
    "home": '<path d="M3 11 12 4l9 7"/><path d="M5 10v10h5v-6h4v6h5V10"/>',
    "book": '<path d="M4 5a2 2 0 0 1 2-2h14v16H6a2 2 0 0 0-2 2z"/><path d="M4 21V5"/>',
    "chart": '<path d="M4 20V10M10 20V4M16 20v-7M22 20H2"/>',
    "award": '<circle cx="12" cy="9" r="6"/><path d="m8.5 14-1.5 7 5-3 5 3-1.5-7"/>',
    "calendar": (
        '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/>'
    ),
    "check": '<path d="M4 12.5 9 17.5 20 6.5"/>',
    "upload": '<path d="M12 16V4M7 9l5-5 5 5M4 20h16"/>',
    "people": (
        '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20a6.5 6.5 0 0 1 13 0"/>'
        '<path d="M16 4.5a3.5 3.5 0 0 1 0 7M18 14a6 6 0 0 1 3.5 6"/>'
    ),
    "tree": '<rect x="9" y="3" width="6" height="5"/><rect x="3" y="16" width="6" height="5"/>'
    '<rect x="15" y="16" width="6" height="5"/><path d="M12 8v4M6 16v-4h12v4"/>',
    "gear": '<circle cx="12" cy="12" r="3.5"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9'
    'l2.1 2.1M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1"/>',
    "person": '<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>',
    "menu": '<path d="M4 6h16M4 12h16M4 18h16"/>',
}


def _svg(paths: str) -> str:
    return format_html(
        '<svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" '
        'focusable="false" fill="none" stroke="currentColor" stroke-width="2" '
        'stroke-linecap="round" stroke-linejoin="round">{}</svg>',
        mark_safe(paths),  # the constants above
    )


# Each icon's whole markup, made once per process: the layout shows five to seven on every
# page, and formatting them again on each request was a part of the shell's cost.
SVG = {name: _svg(paths) for name, paths in _ICONS.items()}
_NO_ICON = _svg("")


@register.simple_tag
def icon(name: str) -> str:
    return SVG.get(name, _NO_ICON)
