"""The site's one rate limiter: fixed windows, counted where every worker and server sees them.

Rates are written "hits/seconds" (``FEEDBACK_RATE_LIMIT = "5/600"``). Counters live
in the default cache when it is shared (CACHE_URL=redis://…); with a per-process
cache (locmem, the default) they live in the database instead, so five workers
never count five separate limits. /healthz names the place. See docs/configuration.md.
"""

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from kbsite.caches import shared_across_processes


@dataclass(frozen=True)
class Rate:
    hits: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """ "5/600" → Rate(5, 600); ValueError with the reason otherwise."""
        try:
            hits, seconds = (int(part) for part in str(text).split("/"))
        except ValueError as exc:
            raise ValueError(f"a rate is “hits/seconds”, e.g. 10/60, got {text!r}") from exc
        if hits < 1 or seconds < 1:
            raise ValueError(f"a rate needs positive numbers, got {text!r}")
        return cls(hits, seconds)

    @classmethod
    def from_setting(cls, name: str) -> "Rate":
        try:
            return cls.parse(getattr(settings, name))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {exc}") from exc


class RateLimited(Exception):
    """Too many hits in the window; ``retry_after`` is the seconds until the next one."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many requests; try again in {retry_after} s")
        self.retry_after = retry_after


def counters_location() -> str:
    """Where counters live: "cache" (shared by every worker) or "database"."""
    return "cache" if shared_across_processes(caches["default"]) else "database"


def _count_in_cache(key: str, *, timeout: int) -> int:
    # add() is atomic on every backend: the first hit of a window creates the counter.
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=timeout)
        return 1


def _count_in_database(key: str, *, timeout: int) -> int:
    from kbsite.models import RateCounter

    table, key_column, hits, expires = (
        connection.ops.quote_name(name)
        for name in (RateCounter._meta.db_table, "key", "hits", "expires_at")
    )
    now = datetime.now(UTC)
    # One statement: concurrent hits from any worker are counted, never lost. Only
    # quoted model names are formatted in; the values are parameters.
    upsert = f"INSERT INTO {table} ({key_column}, {hits}, {expires}) VALUES (%s, 1, %s)"  # noqa: S608
    sql = f"{upsert} ON CONFLICT ({key_column}) DO UPDATE SET {hits} = {table}.{hits} + 1"
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {hits}", [key, now + timedelta(seconds=timeout)])
        count = cursor.fetchone()[0]
    if count == 1:  # a new window: sweep the windows that are over
        RateCounter.objects.filter(expires_at__lt=now).delete()
    return count


def hit(key: str, *, rate: Rate) -> None:
    """Count one hit for ``key``; RateLimited once more than ``rate.hits`` fall in the window."""
    now = time.time()
    window = int(now // rate.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # any key text, bounded length
    counter_key = f"ratelimit:{digest}:{rate.seconds}:{window}"
    count = _count_in_cache if counters_location() == "cache" else _count_in_database
    hits = count(counter_key, timeout=rate.seconds + 1)
    if hits > rate.hits:
        raise RateLimited(retry_after=max(1, int((window + 1) * rate.seconds - now)))
