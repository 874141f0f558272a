"""Reads and writes of rendered HTML in the shared cache that an outage turns into misses.

A cache outage slows pages down; it must not break them.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Keys name what the entry shows, so entries never need deleting; the timeout
# only bounds how long superseded ones occupy the cache.
TIMEOUT = 24 * 60 * 60


def get(key: str):
    try:
        return cache.get(key)
    except Exception:
        logger.warning("page cache unavailable; rendering without it", exc_info=True)
        return None


def put(key: str, value, *, timeout: int = TIMEOUT) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("page cache unavailable; not storing", exc_info=True)
