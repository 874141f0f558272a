import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from probes.ratelimit import RateLimit, RateLimited, consume


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def test_runs_beyond_the_limit_are_refused_per_user():
    limit = RateLimit(runs=2, per_seconds=60)
    consume(user_id=1, limit=limit)
    consume(user_id=1, limit=limit)
    with pytest.raises(RateLimited) as caught:
        consume(user_id=1, limit=limit)
    assert 0 < caught.value.retry_after <= 60
    consume(user_id=2, limit=limit)  # someone else is not affected


def test_limit_comes_from_settings(settings):
    settings.PROBES_RATE_LIMIT = "3/30"
    assert RateLimit.from_settings() == RateLimit(3, 30)
    settings.PROBES_RATE_LIMIT = "lots"
    with pytest.raises(ImproperlyConfigured):
        RateLimit.from_settings()
