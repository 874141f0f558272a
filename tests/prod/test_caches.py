from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

from kbsite.caches import caches_from_url


def test_redis_url_gives_the_shared_redis_cache_with_short_timeouts():
    default = caches_from_url("redis://:secret@cache.internal:6379/2", key_prefix="kb")["default"]
    assert default["BACKEND"] == "kbsite.caches.RedisCache"
    assert default["LOCATION"] == "redis://:secret@cache.internal:6379/2"
    assert default["KEY_PREFIX"] == "kb"
    assert default["OPTIONS"]["socket_timeout"] <= 5


def test_tls_redis_is_accepted():
    default = caches_from_url("rediss://cache.internal:6380/0")["default"]
    assert default["BACKEND"] == "kbsite.caches.RedisCache"


def test_locmem_and_dummy():
    assert caches_from_url("locmem://")["default"]["BACKEND"].endswith("LocMemCache")
    assert caches_from_url("dummy://")["default"]["BACKEND"].endswith("DummyCache")


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "127.0.0.1:6379", ""])
def test_unknown_cache_url_fails_loudly(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        caches_from_url(url)


# --- kbsite.caches.RedisCache against a real Redis --------------------------------


@pytest.fixture
def redis_cache():
    from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

    from kbsite.caches import RedisCache
    from tests.prod.servers import REDIS_URL, redis_test_url, unavailable

    # A Redis database of this lane's own (tests/prod/servers.py), flushed before use.
    params = caches_from_url(redis_test_url("cache"), key_prefix="kbtest")["default"]
    backend = RedisCache(params["LOCATION"], params)
    assert isinstance(backend, DjangoRedisCache)
    try:
        backend.clear()
    except Exception as exc:
        unavailable(f"Redis is not reachable at {REDIS_URL}: {exc}")
    yield backend
    backend.clear()


def test_redis_client_object_is_built_once(redis_cache):
    client = redis_cache._cache
    assert client.get_client("a") is client.get_client("b")
    assert client.get_client("a", write=True) is client.get_client("a")


def test_redis_incr_keeps_djangos_contract(redis_cache):
    with pytest.raises(ValueError, match="not found"):
        redis_cache.incr("missing")
    assert redis_cache.get("missing") is None  # a failed incr creates nothing
    redis_cache.set("views", 5)
    assert redis_cache.incr("views") == 6
    assert redis_cache.incr("views", 10) == 16
    assert redis_cache.decr("views", 4) == 12
    assert redis_cache.get("views") == 12


def test_redis_incr_keeps_the_timeout(redis_cache):
    redis_cache.set("limited", 1, timeout=100)
    redis_cache.incr("limited")
    ttl = redis_cache._cache.get_client().ttl(redis_cache.make_key("limited"))
    assert 0 < ttl <= 100


def test_redis_incr_is_one_round_trip(redis_cache):
    redis_cache.set("views", 1)
    redis_cache.incr("views")  # the first call may also load the script into Redis
    client = redis_cache._cache.get_client()
    with mock.patch.object(client, "execute_command", wraps=client.execute_command) as sent:
        redis_cache.incr("views")
    assert sent.call_count == 1


def test_shared_across_processes():
    from django.core.cache.backends.dummy import DummyCache
    from django.core.cache.backends.locmem import LocMemCache

    from kbsite.caches import RedisCache, shared_across_processes

    assert shared_across_processes(RedisCache("redis://127.0.0.1:6379/0", {}))
    assert not shared_across_processes(LocMemCache("x", {}))
    assert not shared_across_processes(DummyCache("x", {}))


def test_redis_get_many_and_incr_in_one_round_trip(redis_cache):
    redis_cache.set_many({"page": {"html": "<p>"}, "count": 7})
    client = redis_cache._cache.get_client(write=True)
    with mock.patch.object(type(client), "execute_command", side_effect=AssertionError):
        found, count = redis_cache.get_many_and_incr(["page", "absent"], "count")
    assert found == {"page": {"html": "<p>"}}
    assert count == 8
    assert redis_cache.get("count") == 8


def test_redis_get_many_and_incr_creates_no_counter(redis_cache):
    found, count = redis_cache.get_many_and_incr(["page"], "missing")
    assert (found, count) == ({}, None)
    assert redis_cache.get("missing") is None
