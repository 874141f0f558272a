import pytest
from django.core.cache import cache

from issues import ratelimit


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_allows_up_to_the_limit_then_refuses():
    results = [ratelimit.allow("k", limit=3, window_seconds=60) for _ in range(5)]
    assert results == [True, True, True, False, False]


def test_keys_are_counted_separately():
    assert ratelimit.allow("a", limit=1, window_seconds=60)
    assert not ratelimit.allow("a", limit=1, window_seconds=60)
    assert ratelimit.allow("b", limit=1, window_seconds=60)


def test_a_new_window_starts_a_new_count(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    assert ratelimit.allow("w", limit=1, window_seconds=60)
    assert not ratelimit.allow("w", limit=1, window_seconds=60)
    now[0] += 60
    assert ratelimit.allow("w", limit=1, window_seconds=60)
