import pytest

from issues import revisions
from issues.models import Issue, Product
from issues.parts import FixSpec, sync_parts
from issues.revisions import revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(editor):
    product = Product.objects.create(slug="p", name="移动管理平台")
    with revision(user=editor):
        issue = Issue.objects.create(product=product, title="登录超时", slug="login-timeout")
        sync_parts(
            issue,
            symptoms=["连接超时"],
            causes=["地址错误"],
            fixes=[FixSpec("核对地址", 1)],
            reason="t",
        )
    return Issue.objects.get(pk=issue.pk)


def test_a_block_records_one_revision_per_entry_with_its_parts(issue, editor):
    (first,) = issue.revisions.all()
    assert first.state["symptoms"] == ["连接超时"]
    assert first.state["fixes"] == [{"body": "核对地址", "cause": 1}]
    with revision(user=editor):
        issue.title = "客户端登录超时"
        issue.save()
        sync_parts(
            issue,
            symptoms=["连接超时", "登录失败"],
            causes=["地址错误"],
            fixes=[FixSpec("核对地址", 1)],
            reason="t",
        )
    assert issue.revisions.count() == 2


def test_a_save_that_changes_nothing_records_nothing(issue, editor):
    with revision(user=editor):
        Issue.objects.get(pk=issue.pk).save()
    assert issue.revisions.count() == 1


def test_nothing_is_recorded_when_the_block_fails(issue, editor):
    with pytest.raises(RuntimeError), revision(user=editor):
        issue.title = "半途而废"
        issue.save()
        raise RuntimeError
    assert issue.revisions.count() == 1


def test_compare_translates_labels_and_values_and_diffs_long_text_word_by_word(issue, editor):
    old = issue.revisions.get()
    with revision(user=editor):
        issue.summary = "检查客户端配置中的服务器地址是否正确填写，确认端口 443 已在防火墙放行" * 2
        issue.save()
    with revision(user=editor):
        issue.summary = issue.summary.replace("443", "8443", 1)
        issue.save()
    first_summary, second_summary = issue.revisions.order_by("number")[1:]
    rows = {row.key: row for row in revisions.compare(first_summary, second_summary)}
    summary = rows["summary"]
    assert summary.changed and "<del>443</del>" in summary.old_html
    assert "<ins>8443</ins>" in summary.new_html
    assert summary.new_html.count("<ins>") == 1  # the rest is shown as it was
    status = rows["status"]
    assert (status.label, status.old) == ("状态", "草稿")
    assert rows["product"].old == "移动管理平台"
    assert not any(row.changed for key, row in rows.items() if key != "summary")
    assert [r.label for r in revisions.compare(old, first_summary) if r.changed] == ["摘要"]


def test_reasons_read_in_the_readers_language(issue, editor):
    first = issue.revisions.get()
    first.reason, first.detail = "imported", "faq.txt"
    assert revisions.describe_reason(first) == "从 faq.txt 导入"
    first.reason, first.detail = "restored", "3"
    assert revisions.describe_reason(first) == "恢复了第 3 版"
    assert revisions.reason_key("import: faq.txt") == ("imported", "faq.txt")
    assert revisions.reason_key("something else") is None


def test_shipped_content_gets_one_first_revision_per_entry_with_its_links(shipped_content):
    issues = Issue.objects.all()
    assert issues.exists()
    for entry in issues:
        (first,) = entry.revisions.all()
        assert (first.number, first.reason) == (1, "recorded")
        assert first.state == revisions.entry_state(entry)
    assert any(entry.revisions.get().state["codes"] for entry in issues)
