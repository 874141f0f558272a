"""The insights numbers against a seeded log, and their CSV."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from gaps.insights import helpfulness_per_product, search_charts
from gaps.metrics import metrics_refresh
from issues.models import Feedback
from issues.search.models import SearchLog
from tests.issues.factories import make_issue, make_product

pytestmark = pytest.mark.django_db


def seed_searches(day_offset, *, total, zero, clicked, source="page"):
    at = timezone.now() - timedelta(days=day_offset)
    for n in range(total):
        log = SearchLog.objects.create(
            query=f"q{n}",
            normalized_query=f"q{n}",
            source=source,
            result_count=0 if n < zero else 3,
        )
        is_clicked = zero <= n < zero + clicked
        SearchLog.objects.filter(pk=log.pk).update(
            created_at=at, clicked_at=at if is_clicked else None
        )


def test_search_charts_count_and_rate_per_day():
    seed_searches(1, total=10, zero=2, clicked=6)
    seed_searches(0, total=4, zero=1, clicked=1)
    # Typing sessions in the suggestions box are no searches; a pick is their click.
    seed_searches(1, total=4, zero=0, clicked=1, source="suggest")
    metrics_refresh(days=3)
    end = timezone.localdate()
    start = end - timedelta(days=2)
    with translation.override("en"):
        searches, rates, clicks = search_charts(start, end)
    assert searches.series[0]["data"] == [0, 10, 4]
    assert rates.series[0]["data"] == [0, 20.0, 25.0]  # no result
    assert rates.series[1]["data"] == [0, 20.0, 50.0]  # results, none opened
    assert clicks.series[0]["data"] == [0, 60.0, 25.0]
    assert searches.series[1]["data"] == [0, 4, 0]
    assert clicks.series[1]["data"] == [0, 25.0, 0]
    csv = searches.as_csv().splitlines()
    assert csv[0] == ",searches,typed into the suggestions box"
    assert csv[2] == f"{start + timedelta(days=1)},10,4"


def test_helpfulness_per_product():
    sdk = make_product(slug="sdk", name="会议 SDK")
    issue = make_issue(product=sdk)
    for helpful in (True, True, True, False):
        Feedback.objects.create(issue=issue, helpful=helpful)
    metrics_refresh()
    today = timezone.localdate()
    chart = helpfulness_per_product(today - timedelta(days=6), today)
    assert chart.labels == ["会议 SDK"]
    assert chart.series[0]["data"] == [75.0]
