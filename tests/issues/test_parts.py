import pytest

from issues.models import Fix, Issue, Product
from issues.parts import FixSpec, cause_numbers, fix_specs, sync_parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    product = Product.objects.create(slug="mobile-platform", name="移动管理平台")
    return Issue.objects.create(product=product, title="登录超时", slug="login-timeout")


def parts(issue):
    causes = list(issue.causes.order_by("position", "pk"))
    return (
        [s.text for s in issue.symptoms.order_by("position", "pk")],
        [c.text for c in causes],
        fix_specs(causes, issue.fixes.order_by("position", "pk")),
    )


def test_sync_parts_writes_the_lists_and_ties_fixes_to_their_causes(issue):
    changed = sync_parts(
        issue,
        symptoms=["连接超时", "登录失败"],
        causes=["地址错误", "网络不通"],
        fixes=[FixSpec("核对地址", 1), FixSpec("检查网络", 2), FixSpec("重启客户端")],
        reason="test",
    )
    assert changed == ["symptoms", "causes", "fixes"]
    symptoms, causes, fixes = parts(issue)
    assert symptoms == ["连接超时", "登录失败"]
    assert causes == ["地址错误", "网络不通"]
    assert fixes == [FixSpec("核对地址", 1), FixSpec("检查网络", 2), FixSpec("重启客户端", None)]


def test_sync_parts_changes_only_what_differs_and_reports_it(issue):
    sync_parts(issue, symptoms=["a"], causes=["c1", "c2"], fixes=[FixSpec("f", 1)], reason="t")
    fix = Fix.objects.get(issue=issue)
    assert (
        sync_parts(issue, symptoms=["a"], causes=["c1", "c2"], fixes=[FixSpec("f", 1)], reason="t")
        == []
    )
    assert fix.history.count() == 1
    # Only the cause the fix resolves changes: a history record for the fix, nothing else.
    assert sync_parts(
        issue, symptoms=["a"], causes=["c1", "c2"], fixes=[FixSpec("f", 2)], reason="t"
    ) == ["fixes"]
    assert fix.history.count() == 2
    assert parts(issue)[2] == [FixSpec("f", 2)]
    # Fewer rows: the extra ones are deleted (and recorded as deleted).
    assert sync_parts(issue, symptoms=[], causes=["c1"], fixes=[], reason="t") == [
        "symptoms",
        "causes",
        "fixes",
    ]
    assert parts(issue) == ([], ["c1"], [])
    assert fix.history.first().history_type == "-"


def test_cause_numbers_count_from_one_in_page_order(issue):
    sync_parts(issue, symptoms=[], causes=["x", "y"], fixes=[], reason="t")
    first, second = issue.causes.order_by("position")
    assert cause_numbers([first, second]) == {first.pk: 1, second.pk: 2}
