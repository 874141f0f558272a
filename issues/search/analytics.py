"""The query log behind the content-gap report: what staff searched, found and opened."""

import threading
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from issues.search.models import SearchLog
from kbsite.privacy import mask_personal_data

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
    *,
    query: str,
    normalized_query: str,
    result_count: int,
    source: str,
    filters: str = "",
    best_score: float | None = None,
    continues: int | None = None,
) -> SearchLog:
    """One row per search. Suggestions while typing pass ``continues`` (the row their previous
    response was logged as): that row is brought up to what is typed now, so a typing session
    leaves one row holding its last query, one write per request either way."""
    if continues is not None:
        continued = _continue_suggestion(
            log_id=continues,
            query=query,
            normalized_query=normalized_query,
            result_count=result_count,
            best_score=best_score,
        )
        if continued is not None:
            return continued
    _prune_now_and_then()
    # Nothing personal is kept: a phone number, address or token typed into the box is masked.
    return SearchLog.objects.create(
        query=mask_personal_data(query)[:500],
        normalized_query=mask_personal_data(normalized_query)[:500],
        result_count=result_count,
        best_score=best_score,
        source=source,
        filters=filters[:300],
    )


# A typing session: suggestions asked within this long of the first one share its row.
SUGGEST_SESSION = timedelta(minutes=10)


def _continue_suggestion(
    *, log_id: int, query: str, normalized_query: str, result_count: int, best_score
) -> SearchLog | None:
    updated = SearchLog.objects.filter(
        pk=log_id,
        source=SearchLog.Source.SUGGEST,
        clicked_at__isnull=True,
        created_at__gte=timezone.now() - SUGGEST_SESSION,
    ).update(
        query=mask_personal_data(query)[:500],
        normalized_query=mask_personal_data(normalized_query)[:500],
        result_count=result_count,
        best_score=best_score,
    )
    return SearchLog(pk=log_id, source=SearchLog.Source.SUGGEST) if updated else None


def record_click(*, log_id: int, url: str, position: int | None) -> bool:
    """Note the result opened from a logged search, once; False when unknown or already noted."""
    updated = SearchLog.objects.filter(pk=log_id, clicked_at__isnull=True).update(
        clicked_url=url[:300], clicked_position=position, clicked_at=timezone.now()
    )
    return bool(updated)
