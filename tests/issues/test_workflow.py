import datetime as dt

import pytest
from django.utils import timezone

from issues import workflow
from issues.models import ErrorCode, Issue, Product, Tag
from issues.parts import FixSpec, sync_parts
from issues.revisions import revision
from issues.versioning import StaleEditError
from issues.workflow import ApprovalRefused, RestoreRefused, TransitionNotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(editor):
    product = Product.objects.create(slug="mobile-platform", name="移动管理平台")
    with revision(user=editor):
        issue = Issue.objects.create(product=product, title="登录超时", slug="login-timeout")
        sync_parts(
            issue,
            symptoms=["连接超时"],
            causes=["无法连接到服务端"],
            fixes=[FixSpec("核对服务端地址", 1)],
            reason="edit",
            user=editor,
        )
    return Issue.objects.get(pk=issue.pk)


def test_draft_review_published_records_the_approver(issue, editor, reviewer):
    workflow.issue_submit(issue=issue, user=editor)
    assert issue.status == Issue.Status.REVIEW
    workflow.issue_approve(issue=issue, user=reviewer)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED
    assert issue.approved_by == reviewer
    assert issue.approved_at is not None and issue.published_at is not None
    assert issue.history.first().history_change_reason == "approved"
    reasons = [(r.number, r.reason, r.detail, r.user) for r in issue.revisions.order_by("number")]
    assert reasons == [
        (1, "created", "", editor),
        (2, "submitted", "", editor),
        (3, "approved", "reviewer", reviewer),
    ]


def test_nobody_approves_their_own_work_unless_the_setting_allows_it(
    issue, editor, reviewer, settings
):
    workflow.issue_submit(issue=issue, user=editor)
    with pytest.raises(ApprovalRefused, match="另一位编辑"):
        workflow.issue_approve(issue=issue, user=editor)
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.REVIEW
    # Editing what waits for review makes the editor one of its authors too.
    issue = Issue.objects.get(pk=issue.pk)
    issue.summary = "补充说明"
    issue._history_user = reviewer
    with revision(user=reviewer):
        issue.save()
    with pytest.raises(ApprovalRefused):
        workflow.issue_approve(issue=issue, user=reviewer)
    settings.KB_ALLOW_SELF_APPROVAL = True  # a one-person team
    workflow.issue_approve(issue=issue, user=editor)
    assert Issue.objects.get(pk=issue.pk).approved_by == editor


def test_approving_needs_the_approve_permission(issue, editor, helpdesk):
    workflow.issue_submit(issue=issue, user=editor)
    with pytest.raises(ApprovalRefused, match="审核发布的权限"):
        workflow.issue_approve(issue=issue, user=helpdesk)
    draft = Issue.objects.create(product=issue.product, title="另一条", slug="another")
    with pytest.raises(ApprovalRefused):
        workflow.issue_publish(issue=draft, user=helpdesk)


def test_publishing_directly_records_the_approver(issue, reviewer, editor):
    workflow.issue_publish(issue=issue, user=reviewer)
    issue.refresh_from_db()
    assert (issue.status, issue.approved_by) == (Issue.Status.PUBLISHED, reviewer)
    with pytest.raises(TransitionNotAllowed):
        workflow.issue_publish(issue=issue, user=reviewer)  # already published
    workflow.issue_unpublish(issue=issue, user=editor)
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.DRAFT


def test_transitions_out_of_order_are_refused(issue, editor, reviewer):
    with pytest.raises(TransitionNotAllowed):
        workflow.issue_approve(issue=issue, user=reviewer)
    with pytest.raises(TransitionNotAllowed):
        workflow.issue_unpublish(issue=issue, user=editor)
    workflow.issue_submit(issue=issue, user=editor)
    with pytest.raises(TransitionNotAllowed):
        workflow.issue_submit(issue=issue, user=editor)
    workflow.issue_send_back(issue=issue, user=reviewer)
    issue = Issue.objects.get(pk=issue.pk)
    assert issue.status == Issue.Status.DRAFT
    workflow.issue_archive(issue=issue, user=editor)
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.ARCHIVED
    with pytest.raises(TransitionNotAllowed):
        workflow.issue_archive(issue=Issue.objects.get(pk=issue.pk), user=editor)


def test_due_for_review_lists_published_entries_only(issue, editor, reviewer, settings):
    settings.KB_REVIEW_INTERVAL_DAYS = 30
    assert list(workflow.due_for_review()) == []  # a draft is not due for review
    workflow.issue_publish(issue=issue, user=reviewer)
    assert list(workflow.due_for_review()) == [issue]  # never verified
    workflow.issue_verify(issue=issue, user=editor)
    assert issue.last_verified_on == timezone.localdate()
    assert list(workflow.due_for_review()) == []
    workflow.issue_verify(issue=issue, user=editor, on=timezone.localdate() - dt.timedelta(days=32))
    assert list(workflow.due_for_review()) == [issue]


def _edit(issue, user, *, title, symptom, fix="核对服务端地址", tag=None, code=None, related=None):
    with revision(user=user):
        issue = Issue.objects.get(pk=issue.pk)
        issue.title = title
        issue.save()
        sync_parts(
            issue,
            symptoms=[symptom],
            causes=["无法连接到服务端"],
            fixes=[FixSpec(fix, 1)] if fix else [],
            reason="edit",
            user=user,
        )
        if tag:
            issue.tags.add(tag)
        if code:
            code.issues.add(issue)
        if related:
            issue.related.add(related)
    return Issue.objects.get(pk=issue.pk)


def test_restore_brings_back_parts_codes_related_and_tags_as_a_new_revision(issue, editor):
    other = Issue.objects.create(product=issue.product, title="证书过期", slug="cert-expired")
    code = ErrorCode.objects.create(product=issue.product, code="-1019")
    tag = Tag.objects.create(name="登录", slug="login")
    with_links = _edit(issue, editor, title="带链接", symptom="有链接", tag=tag, code=code)
    with_links = _edit(with_links, editor, title="带链接", symptom="有链接", related=other)
    linked = with_links.revisions.order_by("-number").first()
    assert linked.state["codes"] == [{"id": code.pk, "label": "-1019"}]
    assert linked.state["related"] == [{"id": other.pk, "title": "证书过期"}]
    with revision(user=editor):
        code.issues.remove(with_links)
        with_links.related.clear()
        with_links.tags.clear()
    current = _edit(with_links, editor, title="改过的标题", symptom="改过的现象", fix="新方法")
    restored = workflow.issue_restore(
        issue=current, number=linked.number, expected_version=current.version, user=editor
    )
    assert restored.title == "带链接"
    assert [s.text for s in restored.symptoms.all()] == ["有链接"]
    assert [f.body for f in restored.fixes.all()] == ["核对服务端地址"]
    assert restored.fixes.get().cause == restored.causes.get()
    assert list(restored.error_codes.all()) == [code]
    assert list(restored.related.all()) == [other]
    assert list(restored.tags.all()) == [tag]
    latest = restored.revisions.order_by("-number").first()
    assert (latest.reason, latest.detail) == ("restored", str(linked.number))
    assert latest.state["fixes"] == linked.state["fixes"]
    # A restore is a revision like any other: it can be restored away again.
    before = latest.number - 1
    again = workflow.issue_restore(
        issue=restored, number=before, expected_version=restored.version, user=editor
    )
    assert again.title == "改过的标题"
    assert [f.body for f in again.fixes.all()] == ["新方法"]


def test_restore_never_leaves_a_published_entry_without_a_fix(issue, editor, reviewer):
    with revision(user=editor):
        empty = Issue.objects.create(product=issue.product, title="空条目", slug="empty")
    first = empty.revisions.get()
    assert first.state["fixes"] == []
    _edit(empty, editor, title="空条目", symptom="现象")
    workflow.issue_publish(issue=Issue.objects.get(pk=empty.pk), user=reviewer)
    published = Issue.objects.get(pk=empty.pk)
    with pytest.raises(RestoreRefused, match="没有解决方法"):
        workflow.issue_restore(
            issue=published, number=first.number, expected_version=published.version, user=editor
        )
    published.refresh_from_db()
    assert published.status == Issue.Status.PUBLISHED
    assert published.fixes.count() == 1


def test_restore_refuses_when_the_entry_changed_meanwhile(issue, editor):
    first = issue.revisions.get(number=1)
    seen_version = issue.version
    _edit(issue, editor, title="别人刚改的", symptom="别人刚改的现象")
    with pytest.raises(StaleEditError):
        workflow.issue_restore(
            issue=issue, number=first.number, expected_version=seen_version, user=editor
        )
    assert Issue.objects.get(pk=issue.pk).title == "别人刚改的"


def test_imported_codes_are_published_only_by_a_publishing_import():
    product = Product.objects.create(slug="p", name="P")
    new = ErrorCode(product=product, code="3001")
    workflow.code_set_imported_status(code=new, status=None, publish=False)
    assert new.status == ErrorCode.Status.DRAFT
    workflow.code_set_imported_status(code=new, status="published", publish=False)  # an export
    assert new.status == ErrorCode.Status.PUBLISHED
    existing = ErrorCode.objects.create(product=product, code="3002")
    workflow.code_set_imported_status(code=existing, status=None, publish=False)
    assert existing.status == ErrorCode.Status.PUBLISHED  # a draft import leaves it as it is
