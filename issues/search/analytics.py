"""The query log behind the content-gap report: what staff searched, found and opened."""

import threading
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from issues.search.models import SearchLog
from issues.search.privacy import mask_personal_data

PRUNE_EVERY_SECONDS = 3600
_last_prune = {"at": 0.0}
_lock = threading.Lock()


def retention_days() -> int:
    return int(getattr(settings, "SEARCH_LOG_RETENTION_DAYS", 180))


def prune_search_logs(*, older_than_days: int | None = None) -> int:
    """Delete log rows past the retention period; return how many went."""
    days = retention_days() if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = SearchLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _prune_now_and_then() -> None:
    with _lock:
        if time.monotonic() - _last_prune["at"] < PRUNE_EVERY_SECONDS and _last_prune["at"]:
            return
        _last_prune["at"] = time.monotonic()
    prune_search_logs()


def log_search(
    *, query: str, normalized_query: str, result_count: int, source: str, filters: str = ""
) -> SearchLog:
    _prune_now_and_then()
    # Nothing personal is kept: a phone number, address or token typed into the box is masked.
    return SearchLog.objects.create(
        query=mask_personal_data(query)[:500],
        normalized_query=mask_personal_data(normalized_query)[:500],
        result_count=result_count,
        source=source,
        filters=filters[:300],
    )


def record_click(*, log_id: int, url: str, position: int | None) -> bool:
    """Note the result opened from a logged search, once; False when unknown or already noted."""
    updated = SearchLog.objects.filter(pk=log_id, clicked_at__isnull=True).update(
        clicked_url=url[:300], clicked_position=position, clicked_at=timezone.now()
    )
    return bool(updated)
