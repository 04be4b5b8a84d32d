"""Deployment checks of our own, shown by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security, deploy=True)
def shared_cache_for_rate_limits(app_configs, **kwargs):
    if settings.CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
        return [
            Warning(
                "The cache is per process, so login rate limits are not shared between "
                "app servers or workers.",
                hint="Set REDIS_URL (or CACHE_URL) to a shared cache.",
                id="lms.W001",
            )
        ]
    return []
