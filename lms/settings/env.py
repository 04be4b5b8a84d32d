"""The one place where configuration is read from the environment.

Every setting that differs between a laptop and production comes from an
environment variable (or a `.env` file beside manage.py, for development).
The README lists them all.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]


env = environ.Env()


_dotenv = BASE_DIR / ".env"


if _dotenv.is_file():
    env.read_env(str(_dotenv), overwrite=False)


LOCAL_MEMORY = "django.core.cache.backends.locmem.LocMemCache"


def is_shared(cache: dict) -> bool:
    """Whether every process sees the cache of this CACHES entry (not each its own memory)."""
    return cache["BACKEND"] != LOCAL_MEMORY


def cache_config(url: str | None, prefix: str = "lms") -> dict:
    """A CACHES['default'] entry for CACHE_URL/REDIS_URL; local memory if unset.

    Redis goes to Django's own Redis backend (with its client kept, and its failures skipped:
    lms/platform/cache.py), so no extra client library is needed beyond `redis`. `prefix`
    (CACHE_KEY_PREFIX) starts every key: two sites sharing one Redis database (production and a
    spare site restored from its backup) each need their own.
    """
    if not url:
        return {
            "BACKEND": LOCAL_MEMORY,
            "LOCATION": "lms-default",
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "lms.platform.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    return {**environ.Env.cache_url_config(url), "KEY_PREFIX": prefix}


def notify_defaults(spec: str) -> dict[str, tuple[str, ...]]:
    """LMS_NOTIFY_DEFAULTS, "results.published=email;certificates.issued=email", as
    {kind: channels}: the channels each kind named is sent on by default (the inbox always).
    A channel that is not one of the notifications' channels stops the site, saying which."""
    from django.core.exceptions import ImproperlyConfigured

    from lms.notifications.registry import CHANNELS

    found: dict[str, tuple[str, ...]] = {}
    for part in spec.split(";"):
        if not part.strip():
            continue
        kind, sep, channels = part.partition("=")
        names = tuple(c.strip() for c in channels.split(",") if c.strip())
        unknown = [c for c in names if c not in CHANNELS]
        if not sep or not kind.strip() or unknown:
            raise ImproperlyConfigured(
                f"LMS_NOTIFY_DEFAULTS: {part.strip()!r} is not kind=channel,channel "
                f"(channels: {', '.join(CHANNELS)})"
            )
        found[kind.strip()] = names
    return found


def quiet_hours(spec: str) -> str:
    """LMS_NOTIFY_QUIET_HOURS, "22:00-07:00" or "" (none), checked when the site starts: a
    value that is no window ("25:00", "22:00", "22:00-22:00") stops it, saying why, rather than
    every delivery failing at the first message sent."""
    from django.core.exceptions import ImproperlyConfigured

    from lms.notifications.payloads import quiet_window

    try:
        quiet_window(spec)
    except ValueError as error:
        raise ImproperlyConfigured(f"LMS_NOTIFY_QUIET_HOURS: {error}") from None
    return spec.strip()
