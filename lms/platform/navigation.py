"""Template context every page needs: the navigation that fits the person's role.

Higher apps add their own entries with `register_nav_item`, so that `lms`
never imports them.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from lms.permissions import can_read_audit_log
from lms.platform.routing import reverse_once
from lms.roles import MANAGERS, Role, roles_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset | None = None  # None: everyone signed in
    order: int = 50


_registered: list[NavItem] = []


def register_nav_item(item: NavItem) -> None:
    if item not in _registered:
        _registered.append(item)
        _registered.sort(key=lambda i: i.order)


def navigation(request):
    user = getattr(request, "user", None)
    items = [{"label": _("Home"), "url": "/"}]
    editor = False
    if user is not None and user.is_authenticated:
        roles = roles_of(user)
        editor = bool(roles & MANAGERS)
        urls = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        items += _items_for(roles, can_read_audit_log(user), urls)
    # Only editors get Wagtail's user bar: for everyone else it would cost two
    # permission queries on every page to show nothing.
    return {
        "nav_items": items,
        "show_userbar": editor,
        # The addresses the layout's forms post to.
        "logout_url": reverse_once("account_logout"),
        "set_language_url": reverse_once("set_language"),
    }


# The entries (lazy labels, reversed URLs) for each set of roles, made once per process:
# they depend on nothing else (the labels are translated when shown).
_items_cache: dict[tuple, list[dict]] = {}


def _items_for(roles: frozenset, audit_log: bool, urls: tuple) -> list[dict]:
    key = (roles, audit_log, urls, len(_registered))
    items = _items_cache.get(key)
    if items is None:
        items = []
        for item in _registered:
            if item.roles is None or roles & item.roles:
                items.append({"label": item.label, "url": reverse(item.url_name)})
        if roles & MANAGERS:
            items.append({"label": _("Staff"), "url": reverse("lms:staff_list")})
            items.append({"label": _("Admin"), "url": reverse("wagtailadmin_home")})
        if roles & {Role.HR, Role.ADMINISTRATOR}:
            items.append({"label": _("Organisation"), "url": reverse("lms:org_tree")})
        if audit_log:
            items.append({"label": _("Audit log"), "url": reverse("lms:audit_log")})
        items.append({"label": _("My account"), "url": reverse("lms:account")})
        _items_cache[key] = items
    return [dict(item) for item in items]
