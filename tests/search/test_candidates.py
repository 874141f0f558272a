"""The database's candidates include the entries whose title or symptoms hold the query.

The database hands the re-rank at most CANDIDATES entries, in its index's order. On a
large index more entries than that hold every term in their body alone; the entry
whose title says exactly what was typed must still be among them, or the re-rank
never sees it.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from issues.models import Fix, Issue
from issues.search import weights
from issues.search.query import search

pytestmark = pytest.mark.django_db

# Everyday helpdesk pages whose fix steps mention a printer going offline in passing.
_BODY_ONLY_TITLES = [
    "共享文件夹无法访问",
    "Outlook 收不到新邮件",
    "电脑开机后蓝屏",
    "会议室投影仪没有信号",
    "域账号密码过期无法登录",
    "VPN 连接后无法访问内网",
]
_BODY = (
    "先重启电脑再试。如果同时发现打印机显示脱机，请在控制面板的设备和打印机里"
    "取消勾选“脱机使用打印机”，然后重新提交。"
)


def _body_only_pages(product, count: int) -> None:
    for number in range(count):
        title = f"{_BODY_ONLY_TITLES[number % len(_BODY_ONLY_TITLES)]}（案例 {number + 1}）"
        issue = Issue.objects.create(
            product=product, slug=f"case-{number + 1}", title=title, status="published"
        )
        Fix.objects.create(issue=issue, body=_BODY)


@pytest.mark.parametrize("where", ["title", "symptoms"])
def test_title_or_symptom_match_is_found_behind_many_body_only_matches(make_issue, product, where):
    body_only = weights.CANDIDATES * 2 + 30
    _body_only_pages(product, body_only)  # indexed first: they come first in the index's order
    if where == "title":
        wanted = make_issue("printer-offline", "打印机脱机无法打印")
    else:
        wanted = make_issue(
            "print-queue-stuck", "打印任务一直排队", symptoms=["任务栏提示打印机脱机"]
        )

    results = search("打印机脱机", user=AnonymousUser()).results

    top = [result.entry.issue_id for result in results[:3]]
    assert wanted.pk in top
