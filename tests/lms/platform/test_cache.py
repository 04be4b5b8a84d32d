"""lms.platform.cache.RedisCache: Django's Redis cache, its client kept from one operation to
the next."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.usefixtures("redis_cache")


def test_it_is_a_working_cache():
    cache.set("greeting", {"zh": "你好"}, 60)
    assert cache.get("greeting") == {"zh": "你好"}
    assert cache.get_many(["greeting", "absent"]) == {"greeting": {"zh": "你好"}}
    assert cache.add("counter", 1) and cache.incr("counter", 2) == 3
    cache.delete("greeting")
    assert cache.get("greeting") is None


def test_one_client_serves_every_operation():
    assert cache._cache.__class__.__module__ == "lms.platform.cache"
    first = cache._cache.get_client("a")
    cache.set("a", 1)
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("a", write=True) is first  # one server: one pool


def test_a_redis_url_uses_it():
    from lms.settings.env import cache_config

    assert cache_config("redis://127.0.0.1:6379/0")["BACKEND"] == "lms.platform.cache.RedisCache"
