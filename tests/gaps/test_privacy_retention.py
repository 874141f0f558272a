"""Nothing personal is logged; pruning keeps the counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gaps.collect import gaps_collect
from gaps.metrics import daily_series, metrics_refresh
from gaps.models import Gap, GapDay, Signal
from gaps.prune import gaps_prune
from issues.search.analytics import log_search
from issues.search.models import SearchLog
from kbsite.privacy import mask_personal_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13800138000 登录不了", "[phone] 登录不了"),
        ("+86 138-0013-8000", "[phone]"),
        ("zhang.san@example.com 收不到推送", "[email] 收不到推送"),
        ("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0 过期", "token [token] 过期"),
        ("kTMSDKErrorTokenVerifyFailed", "kTMSDKErrorTokenVerifyFailed"),
        ("错误码 -1019", "错误码 -1019"),
        ("192.168.1.10 打不开", "192.168.1.10 打不开"),
    ],
)
def test_personal_data_is_masked_and_codes_are_not(typed, stored):
    assert mask_personal_data(typed) == stored


def test_a_logged_search_keeps_no_phone_number():
    log = log_search(
        query="13800138000 登录不了",
        normalized_query="13800138000 登录 不了",
        result_count=0,
        source="page",
    )
    log.refresh_from_db()
    assert "13800138000" not in log.query + log.normalized_query


def test_pruning_deletes_raw_rows_past_retention_and_keeps_the_counts(settings):
    settings.GAPS_RETENTION_DAYS = 30
    settings.SEARCH_LOG_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=40)
    log = SearchLog.objects.create(
        query="没有的", normalized_query="没有的", result_count=0, source="page"
    )
    SearchLog.objects.filter(pk=log.pk).update(created_at=old)
    settings.GAPS_LOOKBACK_HOURS = 24 * 45
    gaps_collect()
    metrics_refresh(days=45)
    day = timezone.localdate(old)
    assert daily_series("zero_results", start=day, end=day) == [1]

    counts = gaps_prune()
    assert counts["signals"] == 1 and counts["searches"] == 1
    assert not SearchLog.objects.exists() and not Signal.objects.exists()
    gap = Gap.objects.get()
    assert gap.signal_count == 1
    assert GapDay.objects.get(gap=gap).count == 1
    assert daily_series("zero_results", start=day, end=day) == [1]
    # collecting and counting again after the prune changes nothing that was kept
    gaps_collect()
    metrics_refresh(days=3)
    gap.refresh_from_db()
    assert gap.signal_count == 1
    assert daily_series("zero_results", start=day, end=day) == [1]
