"""The index follows every save and delete, through signals, and rebuilds on demand."""

from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from issues.models import Cause, Fix, Tag
from issues.search.backends import get_backend
from issues.search.index import rebuild
from issues.search.models import SearchEntry
from issues.search.query import search

pytestmark = pytest.mark.django_db


def found(query, user=None):
    return [r.entry.url for r in search(query, user=user or AnonymousUser()).results]


def test_published_issue_is_indexed_on_save_and_drafts_are_not(make_issue):
    issue = make_issue("printer-jam", "打印机卡纸", symptoms=["纸卡在出纸口"])
    draft = make_issue("draft-entry", "打印机冒烟", status="draft")
    assert issue.get_absolute_url() in found("卡纸")
    assert not SearchEntry.objects.filter(issue=draft).exists()
    draft.status = "published"
    draft.save()
    assert draft.get_absolute_url() in found("冒烟")
    draft.status = "archived"
    draft.save()
    assert found("冒烟") == []


def test_parts_update_the_issue_entry(make_issue):
    issue = make_issue("vpn-drop", "VPN 掉线")
    cause = Cause.objects.create(issue=issue, text="路由器固件过旧")
    assert issue.get_absolute_url() in found("固件")
    Fix.objects.create(issue=issue, cause=cause, body="升级**路由器**固件到最新版本")
    assert issue.get_absolute_url() in found("最新版本")
    cause.delete()
    Fix.objects.filter(issue=issue).delete()
    assert found("固件") == []


def test_delete_removes_the_entry_from_the_database_index(make_issue):
    issue = make_issue("gone", "将被删除的条目")
    entry_id = issue.search_entry.pk
    issue.delete()
    assert not SearchEntry.objects.filter(pk=entry_id).exists()
    assert entry_id not in get_backend().matching_any(["删除"], public_only=False, limit=10)


def test_tag_changes_reach_the_entry_both_ways(make_issue):
    issue = make_issue("slow-sync", "同步很慢")
    tag = Tag.objects.create(slug="sync", name="同步工具")
    issue.tags.add(tag)
    assert list(issue.search_entry.tags.all()) == [tag]
    tag.name = "云端同步"
    tag.save()
    issue.search_entry.refresh_from_db()
    assert "云端" in issue.search_entry.meta_tokens
    tag.issues.clear()
    assert list(issue.search_entry.tags.all()) == []


def test_error_code_entry_and_links_follow_m2m_changes(make_issue, make_code):
    issue = make_issue("quota", "配额不足")
    code = make_code("-42", "kQuotaExceeded", description="配额用完")
    assert code.search_entry.kind == "error_code"
    code.issues.add(issue)
    issue.search_entry.refresh_from_db()
    assert "-42" in issue.search_entry.codes.split()
    code.issues.remove(issue)
    issue.search_entry.refresh_from_db()
    assert issue.search_entry.codes == ""


def test_internal_issue_only_for_internal_readers(make_issue, helpdesk):
    issue = make_issue("secret-fix", "内部排障手册", visibility="internal")
    assert found("排障手册") == []
    assert issue.get_absolute_url() in found("排障手册", helpdesk)


def test_rebuild_command_reindexes_everything_with_progress(make_issue, make_code):
    make_issue("a-entry", "第一条目")
    make_code("7", "kSeven")
    SearchEntry.objects.all().delete()
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "issues: 1/1 (100%)" in out.getvalue()
    assert "error codes: 1/1 (100%)" in out.getvalue()
    assert SearchEntry.objects.count() == 2
    assert found("第一条目")


def test_rebuild_returns_counts(make_issue):
    make_issue("b-entry", "第二条目")
    # Kinds other apps register (diagnosis flows) are counted too.
    assert rebuild() == {"issues": 1, "error codes": 0, "flows": 0}


def test_shipped_content_load_rebuilds_the_index(shipped_content):
    assert SearchEntry.objects.filter(kind="issue").count() == 12
    assert SearchEntry.objects.filter(kind="error_code").count() == 9
