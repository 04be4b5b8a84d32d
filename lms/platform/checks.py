"""Deployment checks of our own, shown by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def cache_keeps_rate_limits(app_configs, **kwargs):
    """A dummy cache forgets every failed login, which switches the rate limits off.

    (Local memory works for one app server; several need REDIS_URL, as the README says.)
    """
    if settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.dummy.DummyCache":
        return [
            Warning(
                "The dummy cache keeps nothing, so login rate limits are off.",
                hint="Set REDIS_URL (or CACHE_URL) to a real cache.",
                id="lms.W001",
            )
        ]
    return []
