"""Per-user run limits, counted in Django's cache so every app server shares them (Redis)."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class RateLimit:
    runs: int
    per_seconds: int

    @classmethod
    def from_settings(cls) -> "RateLimit":
        raw = settings.PROBES_RATE_LIMIT
        try:
            runs, seconds = (int(part) for part in raw.split("/"))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"PROBES_RATE_LIMIT is “runs/seconds”, e.g. 10/60, got {raw!r}"
            ) from exc
        if runs < 1 or seconds < 1:
            raise ImproperlyConfigured("PROBES_RATE_LIMIT needs positive numbers")
        return cls(runs, seconds)


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"too many probe runs; try again in {retry_after} s")
        self.retry_after = retry_after


def consume(*, user_id: int, limit: RateLimit | None = None) -> None:
    """Count one run for the user; raise RateLimited when the window is full."""
    limit = limit or RateLimit.from_settings()
    now = int(time.time())
    window = now // limit.per_seconds
    key = f"probes:runs:{user_id}:{window}"
    # add() is atomic on every backend: the first run in a window creates the counter.
    if cache.add(key, 1, timeout=limit.per_seconds + 1):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=limit.per_seconds + 1)
        return
    if count > limit.runs:
        raise RateLimited(retry_after=(window + 1) * limit.per_seconds - now)
