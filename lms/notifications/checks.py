"""Checks of the notification settings, run by `manage.py check` once every app has registered
its kinds of notification."""

from django.conf import settings
from django.core.checks import Error, register

from lms.notifications import registry


@register()
def defaults_name_known_kinds(app_configs, **kwargs):
    """A kind misspelt in LMS_NOTIFY_DEFAULTS would be ignored without a word."""
    known = {kind.name for kind in registry.kinds()}
    unknown = sorted(set(getattr(settings, "LMS_NOTIFY_DEFAULTS", {})) - known)
    if not unknown:
        return []
    return [
        Error(
            f"LMS_NOTIFY_DEFAULTS names kinds of notification that do not exist: "
            f"{', '.join(unknown)}.",
            hint="The kinds: " + ", ".join(sorted(known)),
            id="lms.E002",
        )
    ]
