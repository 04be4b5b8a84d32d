"""Django's Redis cache, keeping its client object, and a cache that is only a cache.

Django's `RedisCacheClient` makes a new `redis.Redis` around the shared connection pool for
every cache operation (about 90 µs each; a page makes about five). The client is thread-safe
and holds no connection of its own, so one per pool (reader, writer) is kept and reused.

Redis unreachable must not take the site down: every page can be made from the database,
slower. So an operation that fails (refused, timed out, reset) is skipped: a read misses, a
write is dropped, and the request goes on. After a failure Redis is left alone for
`RETRY_AFTER` seconds (each process on its own, from the first failure), so a dead server
costs one refused connection or one short timeout per process every few seconds, not one per
operation; the next operation after that tries again, and the cache is used again as soon as
Redis answers. Failures are logged as a warning once per `LOG_EVERY` seconds at most, with
the number of operations skipped since; the return is logged once.

What a skipped operation answers:

- `get` the default, `get_many` nothing found, `has_key` False, `touch` and `delete` False:
  a miss; the callers read the database.
- `add` True, as if stored: callers that take a "lock" with `add` (allauth's rate limits,
  the version tokens of lms/platform/routing.py and user_cache.py) go ahead rather than wait
  for a lock no one can hold.
- `incr` raises ValueError, as Django does for a missing key (callers handle it).
- Rate-limit counters (the keys starting with `LOCAL_PREFIXES`: allauth's sign-in limits, the
  public verification page's, the API's per token, the group robots' per minute:
  `window_count`) are kept meanwhile in this
  process's memory instead: the limits still apply, per process rather than for the whole
  site, and nobody is locked out for want of a counter (docs/security.md).

A write that was skipped may have been an invalidation (a new version token, a session
deleted at sign-out): the entry it should have replaced is still in Redis. So the keys of
skipped writes are remembered (up to `MAX_LOST_KEYS`) and deleted first thing when Redis
answers again; past that many, every key of this site's prefix is deleted instead. Deleting
is always safe: what is missing is read from the database again. (Rate-limit counters are
not: their counts in Redis go on where they were.)

`ping()` asks the server itself, failures raised: for `/healthz`, which must see the cache
down although the cache's own operations no longer fail.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Socket timeouts, unless the URL or OPTIONS give others: Redis answers in well under a
# millisecond on a local network, so these only bound how long a dead or unreachable server
# can hold a request (a refused connection fails at once).
CONNECT_TIMEOUT = 0.25
READ_TIMEOUT = 0.5
RETRY_AFTER = 5.0
LOG_EVERY = 60.0
MAX_LOST_KEYS = 10_000
# Keys (as the callers name them) counted in process memory while Redis is unreachable.
LOCAL_PREFIXES = ("allauth:rl:", "verify:", "api-rate:", "robot-rate:")
# Failures of the connection (redis' ConnectionError and TimeoutError are RedisErrors; a
# socket error the client did not wrap is an OSError). A programming error still raises.
ERRORS = (RedisError, OSError)


class _Client(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class _Health:
    """One process's view of one Redis (every thread's cache object shares it: Django makes a
    cache object per thread)."""

    def __init__(self, name: str):
        self.lock = threading.Lock()
        self.down_until = 0.0  # time.monotonic() before which Redis is not tried
        self.down_since: float | None = None
        self.logged_at = -LOG_EVERY
        self.skipped = 0
        self.lost: set[str] = set()
        self.lost_overflow = False
        self.local = LocMemCache(
            f"lms-cache-fallback:{name}:{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10_000}}
        )


_HEALTH: dict[str, _Health] = {}
_HEALTH_LOCK = threading.Lock()


def _health_of(name: str) -> _Health:
    with _HEALTH_LOCK:
        if name not in _HEALTH:
            _HEALTH[name] = _Health(name)
        return _HEALTH[name]


def _local(key: str) -> bool:
    return key.startswith(LOCAL_PREFIXES)


def window_count(key: str, timeout: int) -> int:
    """Count one more under `key`, a fixed window's counter of the default cache kept
    `timeout` seconds; the count so far, this one included. (A key that expired between
    the `add` and the `incr` starts again at one.) Name the key with one of
    `LOCAL_PREFIXES`, so that the count goes on while Redis is unreachable."""
    from django.core.cache import cache

    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client
        options = dict(self._options)
        self.retry_after = float(options.pop("RETRY_AFTER", RETRY_AFTER))
        options.setdefault("socket_connect_timeout", CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", READ_TIMEOUT)
        self._options = options
        self._health = _health_of(f"{server}|{self.key_prefix}")

    # The guard ---------------------------------------------------------------------------

    def _guarded(self, call: Callable, fallback: Callable, lost: Callable = lambda: ()):
        """`call()` if Redis is thought up and answers, else `fallback()`; the keys `lost()`
        names are remembered when `call` is a write that did not happen."""
        health = self._health
        if health.down_until > time.monotonic():
            self._skipped(lost())
            return fallback()
        try:
            if health.lost or health.lost_overflow:
                self._repair()
            result = call()
        except ERRORS as error:
            self._failed(error, lost())
            return fallback()
        if health.down_since is not None:
            self._recovered()
        return result

    def _skipped(self, lost_keys) -> None:
        health = self._health
        with health.lock:
            health.skipped += 1
            self._remember(lost_keys)
            log = time.monotonic() - health.logged_at >= LOG_EVERY
            if log:
                health.logged_at = time.monotonic()
                skipped, health.skipped = health.skipped, 0
        if log:
            logger.warning(
                "The cache (Redis) is still unreachable: %d operations skipped, pages are made "
                "from the database.",
                skipped,
            )

    def _failed(self, error: Exception, lost_keys) -> None:
        health = self._health
        now = time.monotonic()
        with health.lock:
            health.down_until = now + self.retry_after
            if health.down_since is None:
                health.down_since = now
            health.skipped += 1
            self._remember(lost_keys)
            log = now - health.logged_at >= LOG_EVERY
            if log:
                health.logged_at = now
                skipped, health.skipped = health.skipped, 0
        if log:
            logger.warning(
                "The cache (Redis) is unreachable (%s: %s): its operations are skipped and "
                "pages are made from the database; Redis is tried again every %g s. "
                "%d operations skipped.",
                type(error).__name__,
                error,
                self.retry_after,
                skipped,
            )

    def _remember(self, keys) -> None:
        # Called with the lock held.
        health = self._health
        if health.lost_overflow:
            return
        health.lost.update(keys)
        if len(health.lost) > MAX_LOST_KEYS:
            health.lost.clear()
            health.lost_overflow = True

    def _repair(self) -> None:
        """Delete what the skipped writes should have replaced (raises if Redis fails)."""
        health = self._health
        with health.lock:
            keys, overflow = list(health.lost), health.lost_overflow
        client = self._cache.get_client(None, write=True)
        if overflow:
            batch = []
            pattern = f"{self.key_prefix}:*" if self.key_prefix else "*"
            for key in client.scan_iter(match=pattern, count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    client.delete(*batch)
                    batch = []
            if batch:
                client.delete(*batch)
        elif keys:
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start : start + 1000])
        with health.lock:
            health.lost.difference_update(keys)
            if overflow:
                health.lost_overflow = False
        logger.warning(
            "The cache (Redis) answers again: %s deleted, which writes skipped meanwhile "
            "would have replaced.",
            f"every key of {self.key_prefix!r}" if overflow else f"{len(keys)} keys",
        )

    def _recovered(self) -> None:
        health = self._health
        with health.lock:
            if health.down_since is None:
                return
            seconds = time.monotonic() - health.down_since
            health.down_since, health.skipped = None, 0
            health.logged_at = -LOG_EVERY  # the next outage is logged at once
        logger.warning("The cache (Redis) is reachable again after %.1f s.", seconds)

    def ping(self) -> bool:
        """Ask Redis itself (failures raise): whether it answers, whatever the guard thinks.
        An answer ends the pause after a failure: the next operation uses Redis again."""
        answer = self._cache.get_client(None, write=True).ping()
        self._health.down_until = 0.0
        return answer

    @property
    def local(self) -> LocMemCache:
        """This process's counters of `LOCAL_PREFIXES` keys while Redis is unreachable."""
        return self._health.local

    # The operations ----------------------------------------------------------------------

    def _made(self, key, version):
        return self.make_and_validate_key(key, version=version)

    def get(self, key, default=None, version=None):
        return self._guarded(
            lambda: super(RedisCache, self).get(key, default, version),
            lambda: self.local.get(key, default, version) if _local(key) else default,
        )

    def get_many(self, keys, version=None):
        keys = list(keys)

        def fallback():
            return self.local.get_many([key for key in keys if _local(key)], version)

        return self._guarded(lambda: super(RedisCache, self).get_many(keys, version), fallback)

    def has_key(self, key, version=None):
        return self._guarded(
            lambda: super(RedisCache, self).has_key(key, version),
            lambda: self.local.has_key(key, version) if _local(key) else False,
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            lambda: super(RedisCache, self).add(key, value, timeout, version),
            lambda: self.local.add(key, value, timeout, version) if _local(key) else True,
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            lambda: super(RedisCache, self).set(key, value, timeout, version),
            lambda: self.local.set(key, value, timeout, version) if _local(key) else None,
            lambda: [self._made(key, version)] if not _local(key) else [],
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        data = dict(data)

        def fallback():
            self.local.set_many({k: v for k, v in data.items() if _local(k)}, timeout, version)
            return [key for key in data if not _local(key)]  # Django's "keys not stored"

        return self._guarded(
            lambda: super(RedisCache, self).set_many(data, timeout, version),
            fallback,
            lambda: [self._made(key, version) for key in data if not _local(key)],
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            lambda: super(RedisCache, self).touch(key, timeout, version),
            lambda: self.local.touch(key, timeout, version) if _local(key) else False,
        )

    def delete(self, key, version=None):
        return self._guarded(
            lambda: super(RedisCache, self).delete(key, version),
            lambda: self.local.delete(key, version) if _local(key) else False,
            lambda: [self._made(key, version)] if not _local(key) else [],
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._guarded(
            lambda: super(RedisCache, self).delete_many(keys, version),
            lambda: self.local.delete_many([key for key in keys if _local(key)], version),
            lambda: [self._made(key, version) for key in keys if not _local(key)],
        )

    def incr(self, key, delta=1, version=None):
        def fallback():
            if _local(key):
                return self.local.incr(key, delta, version)
            raise ValueError(f"Key {key!r} not found: the cache is unreachable.")

        return self._guarded(lambda: super(RedisCache, self).incr(key, delta, version), fallback)

    def clear(self):
        return self._guarded(lambda: super(RedisCache, self).clear(), lambda: False)
