"""Reads behind the admin's search report: what staff look for and do not find."""

from datetime import timedelta

from django.db.models import Avg, Count, Max, Q
from django.utils import timezone

from issues.search.models import SearchLog

REPORT_ROWS = 50


def _window(days: int):
    # Searches made, not typing sessions in the suggestions box (counted on the insights page).
    return SearchLog.objects.filter(created_at__gte=timezone.now() - timedelta(days=days)).exclude(
        source=SearchLog.Source.SUGGEST
    )


def top_queries(*, days: int, limit: int = REPORT_ROWS):
    """Most frequent queries (normalised), with how often a result was opened."""
    return (
        _window(days)
        .values("normalized_query")
        .annotate(
            searches=Count("pk"),
            clicks=Count("pk", filter=~Q(clicked_url="")),
            avg_results=Avg("result_count"),
            last=Max("created_at"),
        )
        .order_by("-searches", "normalized_query")[:limit]
    )


def zero_result_queries(*, days: int, limit: int = REPORT_ROWS):
    """Content gaps: queries that found nothing, most frequent first."""
    return (
        _window(days)
        .filter(result_count=0)
        .values("normalized_query")
        .annotate(searches=Count("pk"), last=Max("created_at"))
        .order_by("-searches", "normalized_query")[:limit]
    )


def since(*, days: int):
    """When the report's window starts (the log's filter link uses the same instant)."""
    return timezone.now() - timedelta(days=days)


def totals(*, days: int) -> dict:
    """Searches made, and apart from them the suggestion sessions the log also lists.

    Both are named so the report's count and the log's rows agree for whoever reads them.
    """
    logs = _window(days)
    counts = logs.aggregate(
        searches=Count("pk"),
        zero=Count("pk", filter=Q(result_count=0)),
        clicked=Count("pk", filter=~Q(clicked_url="")),
    )
    counts["suggestion_sessions"] = SearchLog.objects.filter(
        created_at__gte=since(days=days), source=SearchLog.Source.SUGGEST
    ).count()
    return counts
