"""Template context every page needs: the navigation that fits the person's role.

Higher apps add their own entries with `register_nav_item`, so that `lms`
never imports them.

On a phone the layout shows a bottom tab bar with the role's main places (`TABS`, by URL
name, so that `lms` still imports no feature) between "Home" and "Me"; every other entry
is in the menu sheet. On a desktop the same tabs are the top navigation.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


# The tab bar's places for each role, between "Home" and "Me": (URL name, short label,
# icon). A person with several roles gets the tabs of the first role of theirs listed here.
TABS: list[tuple[Role, tuple[tuple[str, str, str], ...]]] = [
    (
        Role.ADMINISTRATOR,
        (
            ("lms:staff_list", pgettext_lazy("tab", "Staff"), "people"),
            ("lms:org_tree", pgettext_lazy("tab", "Organisation"), "tree"),
            ("wagtailadmin_home", pgettext_lazy("tab", "Admin"), "gear"),
        ),
    ),
    (
        Role.HR,
        (
            ("cycles:cycle_list", pgettext_lazy("tab", "Cycles"), "chart"),
            ("imports:import_list", pgettext_lazy("tab", "Imports"), "upload"),
            ("lms:staff_list", pgettext_lazy("tab", "Staff"), "people"),
        ),
    ),
    (
        Role.LEAD_TRAINER,
        (
            ("sessions:sessions_to_run", pgettext_lazy("tab", "Sessions"), "calendar"),
            ("quizzes:grading_queue", pgettext_lazy("tab", "Grading"), "check"),
            ("learning:report", pgettext_lazy("tab", "Reports"), "chart"),
        ),
    ),
    (
        Role.TRAINER,
        (
            ("sessions:sessions_to_run", pgettext_lazy("tab", "Sessions"), "calendar"),
            ("quizzes:grading_queue", pgettext_lazy("tab", "Grading"), "check"),
            ("learning:report", pgettext_lazy("tab", "Reports"), "chart"),
        ),
    ),
    (
        Role.LEARNER,
        (
            ("learning:my_learning", pgettext_lazy("tab", "Learning"), "book"),
            ("cycles:mine", pgettext_lazy("tab", "Assessment"), "chart"),
            ("certificates:mine", pgettext_lazy("tab", "Certificates"), "award"),
        ),
    ),
]


def navigation(request):
    user = getattr(request, "user", None)
    items = [{"label": _("Home"), "url": "/"}]
    tabs: list[dict] = []
    menu: list[dict] = []
    editor = False
    if user is not None and user.is_authenticated:
        roles = roles_of(user)
        editor = bool(roles & MANAGERS)
        urls = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        items += _items_for(roles, can_read_audit_log(user), urls)
        tabs = _tabs_for(roles, urls)
        # A tab's short label is part of its place's full name ("学习" of "我的学习"), which
        # screen readers and voice control hear.
        names = {item["url"]: item["label"] for item in items}
        for tab in tabs:
            tab["name"] = names.get(tab["url"], "")
        # "My account" is under "Me", with the language and signing out.
        in_tabs = {tab["url"] for tab in tabs} | {reverse_once("lms:account")}
        menu = [item for item in items if item["url"] not in in_tabs]
    unread = 0
    if user is not None and user.is_authenticated:
        from lms.notifications.selectors import unread_badge

        unread = getattr(request, "inbox_unread", None)
        if unread is None:
            unread = unread_badge(user)
    path = getattr(request, "path", "")
    language = translation.get_language()
    _mark_current(path, items)
    _mark_current(path, tabs)
    # Only editors get Wagtail's user bar: for everyone else it would cost two
    # permission queries on every page to show nothing.
    return {
        "nav_items": items,
        # The tab bar (Home, the role's places, then "Me" in the layout) and the menu sheet.
        "nav_tabs": tabs,
        "nav_menu": menu,
        "show_userbar": editor,
        # The addresses the layout's forms post to.
        "logout_url": reverse_once("account_logout"),
        "account_url": reverse_once("lms:account"),
        "inbox_url": reverse_once("notifications:inbox"),
        "inbox_unread": unread,
        "set_language_url": reverse_once("set_language"),
        # The language switch's choices, named in the page's language, and the current one.
        "nav_languages": _languages(language),
        "nav_language": language,
    }


# The language switch's choices for each page language, made once per process (as
# `{% get_available_languages %}` would make them on every request).
_languages_cache: dict[str, list[dict]] = {}


def _languages(current: str) -> list[dict]:
    choices = _languages_cache.get(current)
    if choices is None:
        choices = _languages_cache[current] = [
            {
                "code": code,
                "name": translation.gettext(name),
                "lang": "zh-Hans" if code == "zh-hans" else code,
            }
            for code, name in settings.LANGUAGES
        ]
    return choices


def _mark_current(path: str, entries: list[dict]) -> None:
    """aria-current for the entry whose address is the page's ("page"), or else the one the
    page is deepest under ("true": "/learning/catalogue/" is under "/learning/")."""
    best = None
    for entry in entries:
        url = entry["url"]
        under = path == url or (url != "/" and path.startswith(url))
        if under and (best is None or len(url) > len(best["url"])):
            best = entry
    for entry in entries:
        entry["current"] = ""
    if best is not None:
        best["current"] = "page" if best["url"] == path else "true"


_tabs_cache: dict[tuple, list[dict]] = {}


def _tabs_for(roles: frozenset, urls: tuple) -> list[dict]:
    key = (roles, urls)
    tabs = _tabs_cache.get(key)
    if tabs is None:
        places: tuple = ()
        for role, role_places in TABS:
            if role in roles:
                places = role_places
                break
        tabs = [{"label": pgettext_lazy("tab", "Home"), "url": "/", "icon": "home"}]
        tabs += [
            {"label": label, "url": reverse(name), "icon": icon} for name, label, icon in places
        ]
        _tabs_cache[key] = tabs
    return [dict(tab) for tab in tabs]


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
        if Role.ADMINISTRATOR in roles:
            items.append(
                {"label": _("Integration tokens"), "url": reverse("integrations:token_list")}
            )
        if audit_log:
            items.append({"label": _("Audit log"), "url": reverse("lms:audit_log")})
        items.append({"label": _("My account"), "url": reverse("lms:account")})
        _items_cache[key] = items
    return [dict(item) for item in items]
