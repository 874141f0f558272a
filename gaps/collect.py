"""Collecting signals into gaps: idempotent and safe to run on several servers at once.

Every signal is unique per source row (a second run, or a second server, inserts nothing
new); per-day counts are recomputed from the signals, never incremented, so two runs agree.
A resolved gap whose signal comes back after its resolution reopens."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from gaps.models import Gap, GapDay, Signal
from gaps.sources import SOURCES, Found, setting


def lookback_start(now: datetime) -> datetime:
    return now - timedelta(hours=setting("GAPS_LOOKBACK_HOURS", 48))


def _gap_for(found: Found, now: datetime) -> Gap:
    defaults = {
        "title": found.title,
        "url": found.url,
        "product_id": found.product_id,
        "issue_id": found.issue_id,
        "error_code_id": found.error_code_id,
        "first_seen": found.occurred_at,
        "last_seen": found.occurred_at,
    }
    try:
        gap, _ = Gap.objects.get_or_create(kind=found.kind, key=found.key, defaults=defaults)
    except IntegrityError:  # another server created it a moment ago
        gap = Gap.objects.get(kind=found.kind, key=found.key)
    return gap


def _new_signals(found: list[Found]) -> list[Found]:
    """The rows not yet recorded (checked by source row, in chunks)."""
    by_source = defaultdict(list)
    for item in found:
        by_source[item.source].append(item)
    fresh = []
    for source, items in by_source.items():
        ids = [item.source_id for item in items]
        known = set()
        for start in range(0, len(ids), 500):
            known |= set(
                Signal.objects.filter(
                    source=source, source_id__in=ids[start : start + 500]
                ).values_list("source_id", flat=True)
            )
        fresh += [item for item in items if item.source_id not in known]
    return fresh


def _refresh_counts(gap: Gap, days: set) -> None:
    """Per-day counts from the signals (for the days just touched), then the gap's totals."""
    per_day = (
        Signal.objects.filter(gap=gap)
        .annotate(day=TruncDate("occurred_at"))
        .filter(day__in=days)
        .values("day")
        .annotate(n=Count("id"))
    )
    for row in per_day:
        GapDay.objects.update_or_create(gap=gap, day=row["day"], defaults={"count": row["n"]})
    span = gap.signals.aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    gap.signal_count = gap.days.aggregate(total=Sum("count"))["total"] or 0
    gap.first_seen = min(filter(None, [gap.first_seen, span["first"]]))
    gap.last_seen = max(filter(None, [gap.last_seen, span["last"]]))


def _record(gap: Gap, items: list[Found]) -> bool:
    """Store a gap's new signals; True when it reopened."""
    Signal.objects.bulk_create(
        [
            Signal(
                gap=gap,
                source=item.source,
                source_id=item.source_id,
                occurred_at=item.occurred_at,
                detail=item.detail,
            )
            for item in items
        ],
        ignore_conflicts=True,
    )
    _refresh_counts(gap, {timezone.localdate(item.occurred_at) for item in items})
    newest = max(item.occurred_at for item in items)
    reopened = gap.status == Gap.Status.RESOLVED and gap.resolved_at and newest > gap.resolved_at
    if reopened:
        gap.status = Gap.Status.OPEN
        gap.reopened += 1
    gap.save()
    return bool(reopened)


def gaps_collect(*, now: datetime | None = None) -> dict[str, int]:
    """Read every source over the look-back window and file what is new. Returns counts."""
    now = now or timezone.now()
    since = lookback_start(now)
    found = [item for source in SOURCES for item in source(since, now)]
    fresh = _new_signals(found)
    grouped = defaultdict(list)
    for item in fresh:
        grouped[(item.kind, item.key)].append(item)
    reopened = 0
    for items in grouped.values():
        with transaction.atomic():
            gap = Gap.objects.select_for_update().get(pk=_gap_for(items[0], now).pk)
            reopened += _record(gap, items)
    return {"signals": len(fresh), "gaps": len(grouped), "reopened": reopened}
