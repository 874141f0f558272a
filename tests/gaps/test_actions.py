"""What editors do with a gap: each action records who and when and closes the gap."""

import pytest
from django.utils import timezone

from gaps import actions
from gaps.models import Gap
from issues import workflow
from issues.models import Cause, Fix, Issue
from issues.search.models import Synonym
from tests.issues.factories import make_issue, make_product

pytestmark = pytest.mark.django_db


def query_gap(title="视频会议卡顿", kind=Gap.Kind.ZERO_RESULTS):
    now = timezone.now()
    return Gap.objects.create(kind=kind, key=title, title=title, first_seen=now, last_seen=now)


def test_a_draft_from_a_gap_holds_the_query_as_symptom_and_resolves_the_gap_once_published(
    editor, reviewer
):
    gap = query_gap()
    issue = actions.gap_draft_issue(gap=gap, user=editor, product=make_product())
    assert issue.status == Issue.Status.DRAFT
    assert list(issue.symptoms.values_list("text", flat=True)) == ["视频会议卡顿"]
    assert issue.slug  # a Chinese title still gets a slug
    gap.refresh_from_db()
    assert (gap.status, gap.drafted_issue, gap.assignee) == (Gap.Status.IN_PROGRESS, issue, editor)

    cause = Cause.objects.create(issue=issue, position=1, text="带宽不足")
    Fix.objects.create(issue=issue, cause=cause, position=1, body="降低视频分辨率")
    workflow.issue_submit(issue=issue, user=editor)
    workflow.issue_approve(issue=issue, user=reviewer)
    gap.refresh_from_db()
    assert gap.status == Gap.Status.RESOLVED
    assert "视频会议卡顿" in gap.resolution


def test_adding_the_query_to_a_synonym_group_resolves_the_gap(editor):
    group = Synonym.objects.create(terms="扫码, 扫描二维码")
    gap = query_gap("扫一扫")
    actions.gap_add_synonym(gap=gap, user=editor, group=group, term="扫一扫")
    group.refresh_from_db()
    assert group.members() == ["扫码", "扫描二维码", "扫一扫"]
    gap.refresh_from_db()
    assert (gap.status, gap.resolved_by) == (Gap.Status.RESOLVED, editor)
    assert gap.resolved_at is not None


def test_dismissing_needs_a_reason_and_records_it(editor):
    gap = query_gap("asdf")
    with pytest.raises(ValueError):
        actions.gap_dismiss(gap=gap, user=editor, reason="  ")
    gap.refresh_from_db()
    assert gap.status == Gap.Status.OPEN
    actions.gap_dismiss(gap=gap, user=editor, reason="键盘乱按")
    gap.refresh_from_db()
    assert (gap.status, gap.resolution, gap.resolved_by) == (
        Gap.Status.DISMISSED,
        "键盘乱按",
        editor,
    )


def test_linking_the_edit_that_answered_not_helpful(editor):
    gap = query_gap("登录超时", kind=Gap.Kind.NOT_HELPFUL)
    actions.gap_link_edit(gap=gap, user=editor, revision_note="revision 7")
    gap.refresh_from_db()
    assert gap.status == Gap.Status.RESOLVED
    assert "revision 7" in gap.resolution


def test_pinning_an_entry_as_the_best_answer_makes_search_rank_it_first(editor):
    from django.contrib.auth.models import AnonymousUser

    from issues.search.models import BestBet
    from issues.search.query import search

    product = make_product()
    lag = make_issue(product=product, slug="lag", title="画面卡顿怎么办")
    gap = query_gap("视频会议卡顿", kind=Gap.Kind.WEAK_RESULTS)
    bet = actions.gap_pin_best_bet(gap=gap, user=editor, issue=lag)
    assert (bet.query_key, bet.issue, bet.created_by, bet.updated_by) == (
        "视频会议卡顿",
        lag,
        editor,
        editor,
    )
    first = search("视频会议 卡顿", user=AnonymousUser()).results[0]
    assert first.entry.url == lag.get_absolute_url()
    gap.refresh_from_db()
    assert (gap.status, gap.resolved_by) == (Gap.Status.RESOLVED, editor)
    assert "画面卡顿怎么办" in gap.resolution
    with pytest.raises(ValueError):
        actions.gap_pin_best_bet(gap=query_gap("x"), user=editor)
    assert BestBet.objects.count() == 1
