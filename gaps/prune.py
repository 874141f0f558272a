"""Retention for every signal table: raw rows older than the retention period go; the gaps'
per-day counts and the daily metrics stay (docs/gaps.md, privacy and retention)."""

from datetime import datetime

from django.utils import timezone

from gaps.metrics import day_start, metrics_refresh
from gaps.models import Signal
from gaps.sources import setting
from issues.models import Feedback
from issues.search.analytics import prune_search_logs


def retention_days() -> int:
    return setting("GAPS_RETENTION_DAYS", setting("SEARCH_LOG_RETENTION_DAYS", 180))


def gaps_prune(*, now: datetime | None = None) -> dict[str, int]:
    """Count the days still held in raw rows first, then delete what is past retention."""
    now = now or timezone.now()
    days = retention_days()
    cutoff = day_start(now, days_back=days)
    metrics_refresh(now=now, days=days)
    signals, _ = Signal.objects.filter(occurred_at__lt=cutoff).delete()
    feedback, _ = Feedback.objects.filter(created_at__lt=cutoff).delete()
    searches = prune_search_logs(older_than_days=days)
    return {"signals": signals, "feedback": feedback, "searches": searches}
