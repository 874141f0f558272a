import datetime as dt

import pytest
from django.utils import timezone

from issues import revisions, workflow
from issues.models import Issue, Product, Tag
from issues.parts import FixSpec, sync_parts
from issues.versioning import StaleEditError
from issues.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    product = Product.objects.create(slug="mobile-platform", name="移动管理平台")
    issue = Issue.objects.create(product=product, title="登录超时", slug="login-timeout")
    sync_parts(
        issue,
        symptoms=["连接超时"],
        causes=["无法连接到服务端"],
        fixes=[FixSpec("核对服务端地址", 1)],
        reason="test",
    )
    return Issue.objects.get(pk=issue.pk)


def test_draft_review_published_records_the_approver(issue, editor):
    workflow.issue_submit(issue=issue, user=editor)
    assert issue.status == Issue.Status.REVIEW
    workflow.issue_approve(issue=issue, user=editor)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED
    assert issue.approved_by == editor
    assert issue.approved_at is not None and issue.published_at is not None
    assert issue.history.first().history_change_reason == "approved"
    assert issue.history.first().history_user == editor


def test_transitions_out_of_order_are_refused(issue, editor):
    with pytest.raises(TransitionNotAllowed):
        workflow.issue_approve(issue=issue, user=editor)
    workflow.issue_submit(issue=issue, user=editor)
    with pytest.raises(TransitionNotAllowed):
        workflow.issue_submit(issue=issue, user=editor)
    workflow.issue_send_back(issue=issue, user=editor)
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.DRAFT


def test_verify_and_due_for_review(issue, editor, settings):
    settings.KB_REVIEW_INTERVAL_DAYS = 30
    assert list(workflow.due_for_review()) == [issue]  # never verified
    workflow.issue_verify(issue=issue, user=editor)
    assert issue.last_verified_on == timezone.localdate()
    assert list(workflow.due_for_review()) == []
    workflow.issue_verify(issue=issue, user=editor, on=timezone.localdate() - dt.timedelta(days=32))
    assert list(workflow.due_for_review()) == [issue]


def _edit(issue, *, title, symptom, tag=None):
    issue = Issue.objects.get(pk=issue.pk)
    issue.title = title
    issue.save()
    sync_parts(
        issue,
        symptoms=[symptom],
        causes=["无法连接到服务端"],
        fixes=[FixSpec("核对服务端地址", 1)],
        reason="edit",
    )
    if tag:
        issue.tags.add(tag)
    return Issue.objects.get(pk=issue.pk)


def test_compare_two_revisions_side_by_side(issue):
    _edit(issue, title="客户端登录超时", symptom="登录时提示连接超时")
    new, old = issue.history.all()[:2]
    rows = {row.key: row for row in revisions.compare(old, new)}
    assert (rows["title"].old, rows["title"].new, rows["title"].changed) == (
        "登录超时",
        "客户端登录超时",
        True,
    )
    assert (rows["symptom-1"].old, rows["symptom-1"].new) == ("连接超时", "登录时提示连接超时")
    assert rows["cause-1"].changed is False
    assert rows["fix-1"].old == "（解决原因 1）\n核对服务端地址"


def test_restore_writes_the_old_revision_as_a_new_one(issue, editor):
    first = issue.history.earliest()
    tag = Tag.objects.create(name="登录", slug="login")
    current = _edit(issue, title="改过的标题", symptom="改过的现象", tag=tag)
    count = current.history.count()
    restored = workflow.issue_restore(
        issue=current, history_id=first.history_id, expected_version=current.version, user=editor
    )
    assert restored.title == "登录超时"
    assert [s.text for s in restored.symptoms.all()] == ["连接超时"]
    assert list(restored.tags.all()) == []
    assert restored.history.count() > count  # on top of the history, nothing rewritten
    assert restored.history.first().history_change_reason == f"restored revision {first.history_id}"
    # The edited revision can be restored back, too.
    edited = restored.history.filter(title="改过的标题").first()
    again = workflow.issue_restore(
        issue=restored, history_id=edited.history_id, expected_version=restored.version, user=editor
    )
    assert again.title == "改过的标题"
    assert [s.text for s in again.symptoms.all()] == ["改过的现象"]


def test_restore_refuses_when_the_entry_changed_meanwhile(issue, editor):
    first = issue.history.earliest()
    seen_version = issue.version
    _edit(issue, title="别人刚改的", symptom="别人刚改的现象")
    with pytest.raises(StaleEditError):
        workflow.issue_restore(
            issue=issue, history_id=first.history_id, expected_version=seen_version, user=editor
        )
    assert Issue.objects.get(pk=issue.pk).title == "别人刚改的"
