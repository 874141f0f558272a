"""A fixed-window rate limit kept in Django's cache.

Good enough to stop one client flooding a form: the window is coarse, and with a
per-process cache (the development default) each worker counts on its own. Point
CACHES at Redis in production for one shared count.
"""

import time

from django.core.cache import cache


def allow(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for ``key``; False once more than ``limit`` hits fall in the window."""
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{key}:{window}"
    # add() is atomic and only sets a missing key, so concurrent first hits don't reset it.
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=window_seconds)
        hits = 1
    return hits <= limit
