"""Signals become gaps: each source, grouping, idempotence and reopening."""

from datetime import timedelta

import pytest
from django.utils import timezone

from diagnosis.models import Session
from gaps.collect import gaps_collect
from gaps.models import Gap, GapDay, Signal
from issues.models import Feedback, Issue
from issues.search.models import SearchLog
from probes.models import ProbeResult, ProbeRun, Target
from tests.diagnosis.conftest import FlowBuilder
from tests.issues.factories import make_code, make_issue, make_product

pytestmark = pytest.mark.django_db


def searched(query, *, results=0, minutes_ago=60, clicked=False):
    log = SearchLog.objects.create(
        query=query, normalized_query=query, result_count=results, source="page"
    )
    at = timezone.now() - timedelta(minutes=minutes_ago)
    SearchLog.objects.filter(pk=log.pk).update(
        created_at=at, clicked_at=at if clicked else None, clicked_url="/x/" if clicked else ""
    )
    return log


def test_a_search_with_no_result_files_a_gap_once_however_often_collected():
    searched("视频会议卡顿")
    assert gaps_collect()["signals"] == 1
    assert gaps_collect()["signals"] == 0  # a second run, or a second server, adds nothing
    gap = Gap.objects.get()
    assert (gap.kind, gap.title, gap.signal_count) == (Gap.Kind.ZERO_RESULTS, "视频会议卡顿", 1)
    assert gap.url == "/search/?q=%E8%A7%86%E9%A2%91%E4%BC%9A%E8%AE%AE%E5%8D%A1%E9%A1%BF"
    assert Signal.objects.count() == 1


def test_near_identical_queries_group_into_one_gap():
    for query in ("Token 過期", "token过期", "ｔｏｋｅｎ　过期", "TOKEN-过期"):
        searched(query)
    gaps_collect()
    gap = Gap.objects.get()
    assert gap.signal_count == 4
    assert GapDay.objects.get(gap=gap).count == 4


def test_results_nobody_opened_count_as_abandoned_once_the_reader_had_time():
    searched("MDM 证书", results=3, minutes_ago=45)
    searched("IM 服务器", results=2, minutes_ago=5)  # may still open one
    searched("推送证书", results=2, minutes_ago=45, clicked=True)
    gaps_collect()
    assert list(Gap.objects.values_list("kind", "title")) == [(Gap.Kind.ABANDONED, "MDM 证书")]


def test_not_helpful_answers_group_by_entry_with_their_comments():
    product = make_product()
    issue = make_issue(product=product)
    code = make_code(product, code="2004")
    Feedback.objects.create(issue=issue, helpful=False, comment="第二步找不到菜单")
    Feedback.objects.create(issue=issue, helpful=False, comment="电话 13800138000 回我")
    Feedback.objects.create(issue=issue, helpful=True)
    Feedback.objects.create(error_code=code, helpful=False)
    gaps_collect()
    by_key = {gap.key: gap for gap in Gap.objects.filter(kind=Gap.Kind.NOT_HELPFUL)}
    assert set(by_key) == {f"issue:{issue.pk}", f"code:{code.pk}"}
    assert by_key[f"issue:{issue.pk}"].signal_count == 2
    details = set(by_key[f"issue:{issue.pk}"].signals.values_list("detail", flat=True))
    assert details == {"第二步找不到菜单", "电话 [phone] 回我"}
    assert by_key[f"code:{code.pk}"].url == code.get_absolute_url()


def test_a_walk_that_ended_escalated_files_a_gap_at_its_step():
    flow = FlowBuilder(make_product())
    start = flow.add("start")
    escalate = flow.add("escalate", kind="escalate")
    flow.link("start", "escalate")
    Session.objects.create(flow=flow.flow, current_step=escalate, outcome=Session.Outcome.ESCALATED)
    Session.objects.create(flow=flow.flow, current_step=start, outcome=Session.Outcome.SOLVED)
    gaps_collect()
    gap = Gap.objects.get()
    assert gap.kind == Gap.Kind.UNSOLVED
    assert gap.key == f"flow:{flow.flow.pk}:step:{escalate.pk}"
    assert gap.product == flow.flow.product


def test_a_failing_check_with_no_fix_linked_is_a_gap_and_one_with_a_fix_is_not():
    issue = make_issue()
    target = Target.objects.create(kind="tcp", host="127.0.0.1", port="9")
    run = ProbeRun.objects.create(timeout=1.0)
    now = timezone.now()
    common = {"run": run, "target": target, "kind": "tcp", "finished_at": now}
    ProbeResult.objects.create(target_text="tcp://127.0.0.1:9", outcome="refused", **common)
    ProbeResult.objects.create(
        target_text="tcp://127.0.0.1:9", outcome="refused", fix_issue=issue, position=2, **common
    )
    ProbeResult.objects.create(target_text="tcp://127.0.0.1:9", outcome="ok", position=3, **common)
    gaps_collect()
    gap = Gap.objects.exclude(kind=Gap.Kind.DUE_FOR_REVIEW).get()
    assert (gap.kind, gap.key, gap.signal_count) == (
        Gap.Kind.FAILING_CHECK,
        f"target:{target.pk}",
        1,
    )


def test_published_entries_due_for_review_are_gaps_and_drafts_are_not():
    product = make_product()
    due = make_issue(product=product, slug="old", title="旧条目")
    make_issue(product=product, slug="draft", title="草稿", status=Issue.Status.DRAFT)
    make_issue(product=product, slug="fresh", title="新验证", last_verified_on=timezone.localdate())
    gaps_collect()
    assert list(Gap.objects.values_list("kind", "issue")) == [(Gap.Kind.DUE_FOR_REVIEW, due.pk)]


def test_an_entry_whose_answers_are_mostly_no_is_a_gap(settings):
    settings.GAPS_HELPFUL_MIN_ANSWERS = 4
    issue = make_issue()
    for helpful in (True, False, False, False):
        Feedback.objects.create(issue=issue, helpful=helpful)
    gaps_collect()
    gap = Gap.objects.get(kind=Gap.Kind.LOW_HELPFULNESS)
    assert gap.issue == issue
    assert gap.signals.get().detail == "1/4"


def test_a_resolved_gap_reopens_when_its_signal_comes_back_after_the_resolution():
    searched("扫码下载没有ip端口", minutes_ago=120)
    gaps_collect()
    gap = Gap.objects.get()
    gap.status, gap.resolved_at = Gap.Status.RESOLVED, timezone.now() - timedelta(minutes=60)
    gap.save()
    searched("扫码下载没有IP端口", minutes_ago=90)  # before the resolution: stays resolved
    gaps_collect()
    gap.refresh_from_db()
    assert gap.status == Gap.Status.RESOLVED
    searched("扫码下载 没有 ip 端口", minutes_ago=10)
    assert gaps_collect()["reopened"] == 1
    gap.refresh_from_db()
    assert (gap.status, gap.reopened, gap.signal_count) == (Gap.Status.OPEN, 1, 3)


def test_a_dismissed_gap_stays_dismissed():
    searched("无关内容")
    gaps_collect()
    Gap.objects.update(status=Gap.Status.DISMISSED, resolved_at=timezone.now() - timedelta(days=1))
    searched("无关内容", minutes_ago=1)
    gaps_collect()
    assert Gap.objects.get().status == Gap.Status.DISMISSED


def test_searches_answered_only_by_weak_matches_are_a_gap_and_good_answers_are_not(
    client, shipped_content
):
    # 视频会议卡顿 finds SDK-login entries through the one word 会议; 扫码下载 finds its entry.
    for query in ("视频会议卡顿", "屏幕共享黑屏", "扫码下载", "推送收不到"):
        client.get("/search/", {"q": query})
    scores = dict(SearchLog.objects.values_list("query", "best_score"))
    assert scores["扫码下载"] > scores["视频会议卡顿"] > 0
    gaps_collect()
    weak = Gap.objects.filter(kind=Gap.Kind.WEAK_RESULTS)
    assert sorted(weak.values_list("title", flat=True)) == ["屏幕共享黑屏", "视频会议卡顿"]
    # A weak search is not counted again as abandoned.
    SearchLog.objects.update(created_at=timezone.now() - timedelta(hours=1))
    gaps_collect()
    abandoned = Gap.objects.filter(kind=Gap.Kind.ABANDONED).values_list("title", flat=True)
    assert sorted(abandoned) == ["扫码下载", "推送收不到"]


def test_suggestions_typed_are_no_gaps_of_their_own():
    log = searched("扫", results=0)
    SearchLog.objects.filter(pk=log.pk).update(source="suggest")
    gaps_collect()
    assert not Gap.objects.exists()


def test_a_monitor_down_that_an_issue_depends_on_is_a_gap_once_per_outage():
    from probes.models import Monitor, MonitorState
    from tests.probes.factories import make_checklist

    issue = make_issue()
    checklist = make_checklist(Target(kind="tcp", host="127.0.0.1", port="9"))
    checklist.issues.add(issue)
    lone = make_checklist(Target(kind="tcp", host="127.0.0.1", port="10"), slug="lone")
    down_since = timezone.now() - timedelta(minutes=20)
    monitor = Monitor.objects.create(
        name="会议接入点", checklist=checklist, state=MonitorState.DOWN, state_since=down_since
    )
    Monitor.objects.create(
        name="无关", checklist=lone, state=MonitorState.DOWN, state_since=down_since
    )
    Monitor.objects.create(name="正常", checklist=checklist, state=MonitorState.UP)
    gaps_collect()
    gaps_collect()
    gap = Gap.objects.exclude(kind=Gap.Kind.DUE_FOR_REVIEW).get()
    assert (gap.kind, gap.title, gap.issue, gap.signal_count) == (
        Gap.Kind.MONITOR_DOWN,
        "会议接入点",
        issue,
        1,
    )
    assert gap.url == monitor.get_absolute_url() and issue.title in gap.signals.get().detail
    gap.status, gap.resolved_at = Gap.Status.RESOLVED, timezone.now()
    gap.save()
    Monitor.objects.filter(pk=monitor.pk).update(state_since=timezone.now() + timedelta(seconds=1))
    gaps_collect()  # up in between, down again: the gap comes back
    gap.refresh_from_db()
    assert (gap.status, gap.signal_count, gap.reopened) == (Gap.Status.OPEN, 2, 1)
