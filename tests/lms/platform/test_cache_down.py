"""The cache is a cache: with Redis unreachable (here: a port where nothing listens, refused at
once) the site serves from the database, the limits still hold, and /healthz says so.
tests/faults/test_cache_down.py does the same with a real Redis stopped and started again."""

import logging
from unittest import mock

import pytest
import redis
from django.core.cache import cache

from lms.platform import cache as lms_cache
from tests.factories import PASSWORD
from tests.faults.site_requests import Site, make_quiz, use_redis

pytestmark = pytest.mark.django_db

# Port 1 on this machine: nothing listens, the connection is refused at once.
NOWHERE = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache_down(settings, no_mfa_enforcement):
    use_redis(settings, NOWHERE)
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def clock():
    now = [1000.0]
    with mock.patch.object(lms_cache.time, "monotonic", side_effect=lambda: now[0]):
        yield now


@pytest.fixture
def refused():
    """Every command Redis is sent, counted and refused."""
    with mock.patch.object(
        redis.Redis, "execute_command", side_effect=redis.exceptions.ConnectionError("refused")
    ) as sent:
        yield sent


def test_reads_miss_and_writes_are_skipped(cache_down):
    cache.set("greeting", "你好")
    assert cache.get("greeting") is None
    assert cache.get("greeting", "default") == "default"
    assert cache.get_many(["greeting", "other"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # Django's "not stored"
    assert cache.has_key("greeting") is False
    assert cache.delete("greeting") is False
    assert cache.touch("greeting") is False
    assert cache.get_or_set("computed", lambda: 42) == 42
    with pytest.raises(ValueError):
        cache.incr("greeting")  # as for a key that is not there, which callers handle
    # A "lock" taken with add() is had: allauth's rate limits do not wait for it.
    assert cache.add("lock", True) is True


def test_a_dead_redis_is_left_alone_for_a_few_seconds_then_tried_again(cache_down, clock, refused):
    cache.get("a")
    assert refused.call_count == 1
    for _ in range(50):
        cache.get("a")
        cache.set("a", 1)
    assert refused.call_count == 1  # nothing sent while Redis is thought down
    clock[0] += lms_cache.RETRY_AFTER + 0.1
    cache.get("a")
    assert refused.call_count == 2


def test_the_outage_is_logged_once_a_minute_not_per_operation(cache_down, clock, refused, caplog):
    with caplog.at_level(logging.WARNING, logger="lms.platform.cache"):
        for _second in range(59):
            for _ in range(10):
                cache.get("a")
            clock[0] += 1
        assert len(caplog.records) == 1
        assert "unreachable" in caplog.records[0].getMessage()
        clock[0] += 2
        cache.get("a")
        assert len(caplog.records) == 2
        assert "operations skipped" in caplog.records[1].getMessage()


def test_healthz_reports_the_cache_down(cache_down, client):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["ok"] is True


def test_the_load_balancer_s_probe_keeps_the_app_servers_in(cache_down, client):
    """They all share the one Redis and serve without it: its outage takes none out."""
    response = client.get("/healthz?checks=serving")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["failed"] == ["cache"]
    # The database down still takes this app server out.
    with mock.patch("lms.platform.health.check_database", side_effect=OSError("refused")) as check:
        check.__name__ = "check_database"
        assert client.get("/healthz?checks=serving").status_code == 503


def test_the_site_serves_from_the_database(cache_down, people, course):
    site = Site(people, course, make_quiz(course))

    attempt = site.all_of_it()

    assert site.errors() == []
    assert dict(site.statuses)["lesson"] == 200
    assert dict(site.statuses)["HR report"] == 200
    assert dict(site.statuses)["verify"] == 200
    item = attempt.items.get(position=1)
    assert item.response is not None and item.saved_at is not None  # in the database


def test_sign_in_limits_still_hold_and_lock_nobody_out(cache_down, settings, make_staff):
    """Counted in each process's memory while Redis is down (docs/security.md)."""
    from tests.lms.test_signin_limits import sign_in

    settings.USE_X_FORWARDED_FOR = True  # behind the proxy, as tests/lms/test_signin_limits.py
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    make_staff(number="E4001")
    for i in range(5):
        assert sign_in("203.0.113.7", "E4001", f"wrong-{i}") == (False, False)
    assert sign_in("203.0.113.7", "E4001", "wrong-again") == (False, True)  # that address waits
    assert sign_in("198.51.100.4", "E4001", PASSWORD) == (True, False)  # the owner signs in


def test_verification_limit_still_holds(cache_down, settings, people, course, client):
    from tests.factories import make_certificate

    settings.LMS_VERIFY_PER_MINUTE = 3
    code = make_certificate(people["learner"].user, course=course).code

    statuses = [client.get(f"/verify/{code}/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_short_socket_timeouts_unless_the_url_gives_others():
    """A Redis that drops packets holds a request at most this long (then the pause)."""
    default = lms_cache.RedisCache(NOWHERE, {})._cache._get_connection_pool(write=True)
    assert default.connection_kwargs["socket_connect_timeout"] == lms_cache.CONNECT_TIMEOUT
    assert default.connection_kwargs["socket_timeout"] == lms_cache.READ_TIMEOUT
    given = lms_cache.RedisCache(f"{NOWHERE}?socket_timeout=2", {})
    assert given._cache._get_connection_pool(write=True).connection_kwargs["socket_timeout"] == 2
