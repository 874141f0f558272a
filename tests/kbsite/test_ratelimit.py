"""kbsite/ratelimit.py: one limiter, one rate format, counters every worker sees."""

import uuid

import pytest
from django.core.cache import cache
from django.core.checks import Error, Warning
from django.core.exceptions import ImproperlyConfigured

from kbsite import checks, ratelimit
from kbsite.models import RateCounter
from kbsite.ratelimit import Rate, RateLimited, counters_location, hit
from tests.prod.servers import redis_test_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    """The shared cache production uses, in a database and key prefix of these tests' own."""
    redis = pytest.importorskip("redis")
    url = redis_test_url("limits")  # this lane's own: cache.clear() below flushes it
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable: {exc}")
    settings.CACHES = {
        "default": {
            "BACKEND": "kbsite.caches.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"wiring-ratelimit-{uuid.uuid4().hex}",
        }
    }
    yield
    cache.clear()


def test_a_rate_is_hits_per_seconds():
    assert Rate.parse("5/600") == Rate(5, 600)
    for bad in ("lots", "5", "5/0", "0/60", "5/60/1", (5, 600)):
        with pytest.raises(ValueError, match=r"hits/seconds|positive"):
            Rate.parse(bad)


def test_a_malformed_setting_is_named_in_the_error(settings):
    settings.PROBES_RATE_LIMIT = "10 per minute"
    with pytest.raises(ImproperlyConfigured, match="PROBES_RATE_LIMIT"):
        Rate.from_setting("PROBES_RATE_LIMIT")


def test_the_start_up_check_refuses_a_malformed_rate_and_names_a_renamed_setting(settings):
    assert checks.rate_limit_settings(None) == []
    settings.FEEDBACK_RATE_LIMIT = "five"
    settings.KB_FEEDBACK_RATE = (5, 600)
    problems = checks.rate_limit_settings(None)
    assert [(type(p), p.id) for p in problems] == [(Error, "kbsite.E001"), (Warning, "kbsite.W001")]
    assert "FEEDBACK_RATE_LIMIT" in problems[1].hint


def test_every_rate_limit_setting_is_checked(settings):
    settings.DIAGNOSIS_START_RATE_LIMIT = "30 per 10 minutes"
    assert [p.msg.split(":")[0] for p in checks.rate_limit_settings(None)] == [
        "DIAGNOSIS_START_RATE_LIMIT"
    ]


def exhaust(key: str, rate: Rate) -> int:
    """Hit until refused; how many were let through."""
    for allowed in range(rate.hits + 5):
        try:
            hit(key, rate=rate)
        except RateLimited as exc:
            assert 1 <= exc.retry_after <= rate.seconds
            return allowed
    raise AssertionError("never refused")


def test_per_process_memory_is_not_where_counters_live():
    # The development default (locmem): each worker would count on its own.
    assert counters_location() == "database"
    assert exhaust("k", Rate(3, 60)) == 3
    assert RateCounter.objects.get().hits == 4


def test_a_count_survives_another_worker_with_empty_memory():
    """Five workers with their own memory used to grant five limits (issue 14, finding 2)."""
    rate = Rate(2, 60)
    hit("client-a", rate=rate)
    cache.clear()  # the next request lands in a worker whose memory has never seen it
    hit("client-a", rate=rate)
    cache.clear()
    with pytest.raises(RateLimited):
        hit("client-a", rate=rate)


def test_keys_and_windows_are_counted_apart(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    rate = Rate(1, 60)
    hit("a", rate=rate)
    hit("b", rate=rate)
    with pytest.raises(RateLimited) as refused:
        hit("a", rate=rate)
    assert refused.value.retry_after == 60 - (1_000_000 % 60)
    now[0] += 60
    hit("a", rate=rate)  # a new window starts a new count


def test_windows_that_are_over_are_swept(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    hit("a", rate=Rate(5, 60))
    RateCounter.objects.update(expires_at="2000-01-01T00:00:00Z")
    hit("b", rate=Rate(5, 60))
    assert list(RateCounter.objects.values_list("hits", flat=True)) == [1]


def test_a_shared_cache_keeps_the_counters(redis_cache):
    assert counters_location() == "cache"
    assert exhaust("k", Rate(3, 60)) == 3
    assert not RateCounter.objects.exists()


def test_healthz_says_where_limits_are_counted(client):
    assert client.get("/healthz").json()["rate_limits"] == "database"


def test_healthz_with_a_shared_cache(client, redis_cache):
    assert client.get("/healthz").json()["rate_limits"] == "cache"
