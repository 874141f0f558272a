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
from issues.search.query import _analyze, search

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


def _exhaustive_best(query: str) -> set[int]:
    """The issues the re-rank puts first when it scores EVERY entry (no candidate
    selection at all): the reference the served top-1 must equal."""
    from issues.search import query as q
    from issues.search.models import SearchEntry

    analyzed = q._analyze(query)
    tokens = list({*analyzed.tokens, *q._term_tokens(analyzed.core)})
    counts, total = q.search_terms.frequencies(tokens)
    every = SearchEntry.objects.all()
    loaded = q._load(analyzed, list(every.values_list("pk", flat=True)), every.visible_to(None))
    measured = q._measure(analyzed, loaded, counts, total)
    ranked = q._rank(
        analyzed,
        measured,
        q._known_terms(measured),
        min_share=weights.MIN_TERM_SHARE,
        limit=10,
    )
    top = ranked[0].score
    ids = [m.entry_id for m in ranked if m.score >= top - 1e-9]
    return set(SearchEntry.objects.filter(pk__in=ids).values_list("issue_id", flat=True))


def test_served_top_is_the_exhaustive_best_behind_many_weaker_matches(product):
    """Many entries name the server in title and symptoms and are indexed first; only
    one says the whole thing the caller typed ("服务端白屏"). Taken in index order, the
    first CANDIDATES would all be the weaker ones."""
    from issues.models import Symptom
    from issues.search.index import rebuild

    weaker = Issue.objects.bulk_create(
        Issue(
            product=product,
            slug=f"server-{number}",
            title=f"服务端重启后闪退（案例 {number + 1}）",
            summary="服务端升级新版本后闪退",
            status="published",
        )
        for number in range(weights.CANDIDATES * 2 + 20)
    )
    Symptom.objects.bulk_create(
        Symptom(issue=issue, text="服务端日志里出现白名单报错", position=1) for issue in weaker
    )
    wanted = Issue.objects.create(
        product=product,
        slug="server-white-screen",
        title="服务端重启服务器后白屏",
        summary="服务端白屏，常见原因是证书不受信任。",
        status="published",
    )
    rebuild(workers=1)

    served = search("服务端白屏", user=AnonymousUser()).results

    assert _exhaustive_best("服务端白屏") == {wanted.pk}
    assert served[0].entry.issue_id == wanted.pk


def _printer_pages(product, count: int) -> list[Issue]:
    pages = Issue.objects.bulk_create(
        Issue(
            product=product,
            slug=f"printer-{n}",
            title=f"打印机脱机（案例 {n + 1}）",
            status="published",
        )
        for n in range(count)
    )
    Fix.objects.bulk_create(Fix(issue=issue, body=_BODY) for issue in pages)
    return pages


def test_rare_tokens_score_every_holder_without_levels(product, monkeypatch):
    """When the document frequencies say few entries hold any token, they are read in
    one query and all scored: no level is asked for, and the best is the exhaustive one."""
    from issues.search.backends import get_backend
    from issues.search.index import rebuild

    _printer_pages(product, 12)
    wanted = Issue.objects.create(
        product=product, slug="printer-offline", title="打印机脱机无法打印", status="published"
    )
    rebuild(workers=1)
    levels = type(get_backend()).matching_all
    monkeypatch.setattr(
        type(get_backend()), "matching_all", lambda *a, **k: pytest.fail("a level was asked for")
    )

    served = search("打印机脱机无法打印", user=AnonymousUser()).results

    monkeypatch.setattr(type(get_backend()), "matching_all", levels)
    assert served[0].entry.issue_id == wanted.pk == min(_exhaustive_best("打印机脱机无法打印"))
    assert len(served) == 13  # every holder was scored


def test_stale_counts_fall_back_to_levels(product, monkeypatch):
    """Counts lag between rebuilds: told that at most one entry holds the tokens when
    more than POOL do, the candidate search checks the answer and goes by levels."""
    from issues.search import candidates
    from issues.search.backends import get_backend
    from issues.search.index import rebuild

    _printer_pages(product, 8)
    rebuild(workers=1)
    monkeypatch.setattr(candidates, "POOL", 5)
    asked = []
    levels = type(get_backend()).matching_all
    monkeypatch.setattr(
        type(get_backend()),
        "matching_all",
        lambda self, *a, **k: asked.append(1) or levels(self, *a, **k),
    )
    analyzed = _analyze("打印机脱机")

    ids, proven = candidates.select(
        analyzed.tokens,
        holders_at_most=1,
        core=analyzed.core,
        phrase_bigrams=set(),
        phrase_counts=False,
        score_lower_bound=lambda ids: [],
        public_only=True,
    )

    assert asked, "the levels were not asked for"
    assert len(ids) == 5 and not proven  # POOL ran out: unproven, as without the shortcut
