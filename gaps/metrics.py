"""Site-wide daily counts for the insights page, kept after the raw rows are pruned.

Each run recomputes the last few days from the raw rows (GAPS_METRIC_DAYS), so counts are
exact while the rows exist and stay as they were once the rows are gone."""

from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from gaps.models import DailyMetric
from gaps.sources import FAILED, setting
from issues.models import Feedback
from issues.search.models import SearchLog
from probes.models import ProbeResult

# Searches submitted (page and API) and typing sessions in the suggestions box, apart: a
# suggestion session is not a search, but a suggestion picked is a result opened.
_SUBMITTED = ~Q(source=SearchLog.Source.SUGGEST)
_SUGGESTED = Q(source=SearchLog.Source.SUGGEST)
SEARCH_METRICS = {
    "searches": _SUBMITTED,
    "zero_results": _SUBMITTED & Q(result_count=0),
    "clicked": _SUBMITTED & Q(clicked_at__isnull=False),
    "abandoned": _SUBMITTED & Q(result_count__gt=0, clicked_at__isnull=True),
    "suggestions": _SUGGESTED,
    "suggestion_picks": _SUGGESTED & Q(clicked_at__isnull=False),
}
FEEDBACK_METRICS = {"helpful_yes": Q(helpful=True), "helpful_no": Q(helpful=False)}
PROBE_METRICS = {"checks": Q(), "check_failures": FAILED}


def day_start(now: datetime, *, days_back: int) -> datetime:
    """Midnight (local time) `days_back` days before now: counts cover whole days only, so a
    day half pruned is never recounted."""
    day = timezone.localdate(now) - timedelta(days=days_back)
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _count(queryset, stamp: str, metrics: dict, *, product: str | None = None) -> list[dict]:
    values = ["day"] + ([product] if product else [])
    return list(
        queryset.annotate(day=TruncDate(stamp))
        .values(*values)
        .annotate(**{name: Count("id", filter=condition) for name, condition in metrics.items()})
    )


def _store(rows: list[dict], metrics: dict, *, product: str | None = None) -> int:
    stored = 0
    for row in rows:
        for name in metrics:
            DailyMetric.objects.update_or_create(
                day=row["day"],
                metric=name,
                product=(row.get(product) or "") if product else "",
                defaults={"count": row[name]},
            )
            stored += 1
    return stored


def metrics_refresh(*, now: datetime | None = None, days: int | None = None) -> int:
    """Recompute the daily counts of the last `days` days from the raw rows."""
    now = now or timezone.now()
    since = day_start(now, days_back=(days or setting("GAPS_METRIC_DAYS", 3)) - 1)
    searches = SearchLog.objects.filter(created_at__gte=since)
    answers = Feedback.objects.filter(created_at__gte=since).annotate(
        product_slug=Coalesce("issue__product__slug", "error_code__product__slug")
    )
    checks = ProbeResult.objects.filter(finished_at__gte=since)
    stored = _store(_count(searches, "created_at", SEARCH_METRICS), SEARCH_METRICS)
    stored += _store(
        _count(answers, "created_at", FEEDBACK_METRICS, product="product_slug"),
        FEEDBACK_METRICS,
        product="product_slug",
    )
    stored += _store(_count(checks, "finished_at", PROBE_METRICS), PROBE_METRICS)
    return stored


def daily_series(metric: str, *, start: date, end: date, product: str = "") -> list[int]:
    counts = dict(
        DailyMetric.objects.filter(
            metric=metric, product=product, day__gte=start, day__lte=end
        ).values_list("day", "count")
    )
    return [counts.get(start + timedelta(days=n), 0) for n in range((end - start).days + 1)]
