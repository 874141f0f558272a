"""Each candidate is scored once per search, against the index's average length.

The text score normalises by the average weighted length of the whole index (a
statistics row kept beside the document frequencies), so an entry scores the same in
whichever candidate set it is read; that is what lets the candidate search count the
text part in its stop rule, and the ranking reuse the scores the candidate search made.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from issues.search import query as q
from issues.search import terms
from issues.search.index import rebuild
from issues.search.models import SearchEntry, SearchTerm

pytestmark = pytest.mark.django_db


def _length_stat() -> int:
    return SearchTerm.objects.filter(token=terms.LENGTH).values_list("entries", flat=True).first()


def _lengths_now() -> int:
    return sum(
        terms.entry_length({"title": t, "symptoms": s, "codes": c, "body": b, "meta": m})
        for t, s, c, b, m in SearchEntry.objects.values_list(
            "title_tokens", "symptom_tokens", "code_tokens", "body_tokens", "meta_tokens"
        )
    )


def test_length_statistic_follows_saves_deletes_and_rebuilds(make_issue):
    first = make_issue("len-1", "网关超时")
    second = make_issue("len-2", "网关重启", symptoms=["连接网关时一直超时"])
    assert _length_stat() == _lengths_now() > 0
    second.title = "网关超时后重启也没有用"
    second.save()
    assert _length_stat() == _lengths_now()
    # An issue without parts: deleting one with parts re-indexes it once per part before
    # its entry goes (a known over-count, shared with the token counts; a rebuild
    # recounts).
    first.delete()
    assert _length_stat() == _lengths_now() > 0
    rebuild(workers=1)
    assert _length_stat() == _lengths_now()


def test_an_entry_scores_the_same_in_any_candidate_set(make_issue):
    wanted = make_issue("set-1", "网关超时", symptoms=["连接网关时一直超时"])
    for number in range(5):
        make_issue(f"set-other-{number}", f"网关重启后无法登录（{number}）")
    entry = SearchEntry.objects.get(issue=wanted).pk
    everyone = list(SearchEntry.objects.values_list("pk", flat=True))
    base = SearchEntry.objects.all().visible_to(None)

    def text_score(ids):
        analyzed = q._analyze("网关超时")
        counts, total = q._frequencies(analyzed)
        loaded = q._load(analyzed, ids, base)
        return next(
            m.text_score for m in q._measure(analyzed, loaded, counts, total) if m.entry_id == entry
        )

    assert text_score([entry]) == pytest.approx(text_score(everyone))


def test_the_ranking_reuses_the_candidate_search_s_scores(make_issue, monkeypatch):
    make_issue("once-1", "网关超时", symptoms=["连接网关时一直超时"])
    make_issue("once-2", "网关重启")
    measured = []
    real = q._measure_one
    monkeypatch.setattr(
        q,
        "_measure_one",
        lambda analyzed, pk, *rest: measured.append(pk) or real(analyzed, pk, *rest),
    )

    results = q.search("网关超时", user=AnonymousUser()).results

    assert results
    assert len(measured) == len(set(measured))  # no entry measured twice
