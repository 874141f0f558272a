import pytest
from django.core.exceptions import ImproperlyConfigured

from kbsite.caches import caches_from_url


def test_redis_url_gives_the_shared_redis_cache_with_short_timeouts():
    default = caches_from_url("redis://:secret@cache.internal:6379/2", key_prefix="kb")["default"]
    assert default["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert default["LOCATION"] == "redis://:secret@cache.internal:6379/2"
    assert default["KEY_PREFIX"] == "kb"
    assert default["OPTIONS"]["socket_timeout"] <= 5


def test_tls_redis_is_accepted():
    default = caches_from_url("rediss://cache.internal:6380/0")["default"]
    assert default["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_locmem_and_dummy():
    assert caches_from_url("locmem://")["default"]["BACKEND"].endswith("LocMemCache")
    assert caches_from_url("dummy://")["default"]["BACKEND"].endswith("DummyCache")


@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "127.0.0.1:6379", ""])
def test_unknown_cache_url_fails_loudly(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        caches_from_url(url)
