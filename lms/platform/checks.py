"""Deployment checks of our own, shown by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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


@register(Tags.security)
def one_client_address(app_configs, **kwargs):
    """The audit log (USE_X_FORWARDED_FOR) and allauth's sign-in limits
    (ALLAUTH_TRUSTED_PROXY_COUNT) must read the client's address from the same place: else,
    behind the load balancer, every failed sign-in counts against the balancer's address."""
    expected = 1 if getattr(settings, "USE_X_FORWARDED_FOR", False) else 0
    if getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) != expected:
        return [
            Error(
                "USE_X_FORWARDED_FOR and ALLAUTH_TRUSTED_PROXY_COUNT disagree about the client's "
                "address.",
                hint=f"Set ALLAUTH_TRUSTED_PROXY_COUNT = {expected}, as lms/settings/base.py does",
                id="lms.E001",
            )
        ]
    return []
