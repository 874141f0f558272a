"""Best bets: an entry pinned for one query is ranked first for exactly that query."""

import pytest
from django.contrib.auth.models import AnonymousUser

from issues.search.models import BestBet
from issues.search.query import search

pytestmark = pytest.mark.django_db
anonymous = AnonymousUser()


def urls(query, user=anonymous):
    return [r.entry.url for r in search(query, user=user).results]


@pytest.fixture
def entries(make_issue, make_code):
    login = make_issue(
        "login-failed", "会议登录失败", symptoms=["登录会议时报错", "会议登录一直转圈"]
    )
    lag = make_issue("meeting-lag", "视频会议画面卡顿", symptoms=["会议画面卡顿掉帧"])
    code = make_code("-1019", "kTokenVerifyFailed", description="令牌校验失败")
    return login, lag, code


def test_the_pinned_entry_is_first_for_its_query_and_other_queries_are_unchanged(entries):
    login, lag, code = entries  # noqa: RUF059
    others = ("会议卡顿", "会议", "-1019", "会议登录失败", "登录")
    before = {q: urls(q) for q in ("会议登录", *others)}
    assert before["会议登录"][0] == login.get_absolute_url()
    BestBet.objects.create(query="会议登录", issue=lag)
    after = urls("会议登录")
    assert after[0] == lag.get_absolute_url()
    assert after[1:] == [u for u in before["会议登录"] if u != lag.get_absolute_url()]
    for query in others:  # a longer or shorter query is another query
        assert urls(query) == before[query]
    assert urls("会议登录失败")[0] == login.get_absolute_url()


def test_variants_of_the_query_fold_to_it_and_an_entry_not_found_is_added(entries):
    login, lag, code = entries  # noqa: RUF059
    BestBet.objects.create(query="token 过期", error_code=code)
    assert "令牌" not in "token 过期"  # the code's text does not hold the query
    for variant in ("token 过期", "Token 過期", "ｔｏｋｅｎ  过期"):
        assert urls(variant)[0] == code.get_absolute_url()


def test_an_inactive_bet_or_one_readers_may_not_see_changes_nothing(entries, make_issue):
    login, lag, code = entries  # noqa: RUF059
    secret = make_issue("secret", "内部排障笔记", visibility="internal")
    BestBet.objects.create(query="会议登录", issue=secret)
    assert urls("会议登录")[0] == login.get_absolute_url()
    BestBet.objects.filter(issue=secret).update(issue=lag, is_active=False)
    assert urls("会议登录")[0] == login.get_absolute_url()


def test_best_bets_are_edited_in_the_admin_with_who_and_when(admin_client, admin_user, entries):
    login, lag, code = entries
    response = admin_client.post(
        "/admin/search/bestbet/add/",
        {"query": "会议登录", "issue": lag.pk, "error_code": "", "is_active": "on", "note": ""},
    )
    assert response.status_code == 302
    bet = BestBet.objects.get()
    assert (bet.query_key, bet.created_by, bet.updated_by) == ("会议登录", admin_user, admin_user)
    listed = admin_client.get("/admin/search/bestbet/").content.decode()
    assert "会议登录" in listed and lag.title in listed
    again = admin_client.post(
        "/admin/search/bestbet/add/",
        {"query": "會議 登錄", "issue": login.pk, "error_code": "", "is_active": "on"},
    )
    assert again.status_code == 200 and BestBet.objects.count() == 1  # refused, not a 500
    both = admin_client.post(
        f"/admin/search/bestbet/{bet.pk}/change/",
        {"query": "会议登录", "issue": lag.pk, "error_code": code.pk, "is_active": "on"},
    )
    assert both.status_code == 200  # one entry only
