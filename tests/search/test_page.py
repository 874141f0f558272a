"""The search page as a helpdesk reader uses it (issue 12): the query stays, facets
count, typos find the entry, hidden names never show (issue 14 items 4 and 5)."""

import re
from http import HTTPStatus

import pytest

from issues.models import ErrorCode, Issue, Product, Tag
from issues.search.models import SearchLog

pytestmark = pytest.mark.django_db


def page(client, **params):
    response = client.get("/search/", params, HTTP_ACCEPT_LANGUAGE="en")
    return response, response.content.decode()


def option_counts(html: str, name: str) -> dict[str, int]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group()
    return {
        value: int(count)
        for value, count in re.findall(
            r'<option value="([^"]+)"[^>]*>[^<]*\((\d+)\)</option>', select
        )
    }


def test_the_query_stays_in_the_box_the_title_and_the_filter_form(client, shipped_content):
    response, html = page(client, q="token expired")
    assert response.status_code == HTTPStatus.OK
    assert 'name="q" value="token expired"' in html  # the main box
    assert '<input type="hidden" name="q" value="token expired">' in html  # through filters
    assert re.search(r"<title>“token expired” – search · kbsite</title>", html)
    assert html.count("kbsite</title>") == 1 and "kbsite · kbsite" not in html
    assert "Clear filters" not in html  # nothing to clear yet


def test_a_filter_keeps_the_query_and_offers_to_clear_it(client, shipped_content):
    _, html = page(client, q="登录", product="meeting-sdk")
    assert '<input type="hidden" name="q" value="登录">' in html
    assert 'href="/search/?q=%E7%99%BB%E5%BD%95">Clear filters</a>' in html
    assert "/issues/im-server-connecting/" not in html  # another product's entry


def test_the_search_page_title_reads_search_once(client, db):
    _, html = page(client)
    assert "<title>Search · kbsite</title>" in html


def test_facet_counts_add_up_and_values_with_none_are_dropped(client, shipped_content):
    _, html = page(client, q="登录")
    total = int(re.search(r'class="search-count">\s*(\d+) result', html).group(1))
    products = option_counts(html, "product")
    assert sum(products.values()) == total
    kinds = option_counts(html, "type")
    assert sum(kinds.values()) == total
    assert all(n > 0 for n in option_counts(html, "tag").values())
    # A product chosen shows as many results as its count said.
    product, count = max(products.items(), key=lambda item: item[1])
    _, filtered = page(client, q="登录", product=product)
    assert re.search(rf'class="search-count">\s*{count} result', filtered)
    # A tag no result carries is not offered.
    _, narrow = page(client, q="kTMSDKErrorTokenVerifyFailed")
    assert "mdm" not in option_counts(narrow, "tag")


def test_zero_results_show_the_query(client, shipped_content):
    _, html = page(client, q="打印机卡纸墨盒")
    assert "Nothing matches “打印机卡纸墨盒” closely enough." in html


def test_a_typo_in_a_constant_finds_the_code_and_says_so(client, shipped_content):
    _, html = page(client, q="ktmsdkerrortokenverifyfaild")
    assert "showing results for “kTMSDKErrorTokenVerifyFailed”" in html
    first = re.search(r'class="search-result__link" href="([^"]+)"', html).group(1)
    assert first == "/codes/meeting-sdk/-1019/"
    assert 'value="ktmsdkerrortokenverifyfaild"' in html  # the box keeps what was typed
    # The facets count the results shown (they counted one entry of nine).
    total = int(re.search(r'class="search-count">\s*(\d+) result', html).group(1))
    assert total > 1 and sum(option_counts(html, "type").values()) == total
    assert sum(option_counts(html, "product").values()) == total


def test_a_corrected_search_is_logged_as_typed(client, shipped_content):
    page(client, q="ktmsdkerrortokenverifyfaild")
    log = SearchLog.objects.get()
    assert log.normalized_query == "ktmsdkerrortokenverifyfaild" and log.result_count > 0


def test_did_you_mean_is_offered_when_the_query_found_something(client, shipped_content):
    _, html = page(client, q="登录 2OO4")
    assert "Did you mean:" in html and ">登录 2004</a>" in html


def test_search_page_lists_only_products_and_tags_the_reader_can_see(client, helpdesk, db):
    """Issue 14 item 4: hidden products and tags were listed in filters and browse links."""
    secret = Product.objects.create(slug="secret-product", name="机密产品")
    tag = Tag.objects.create(slug="secret-tag", name="机密标签")
    internal = Issue.objects.create(
        product=secret, slug="inside", title="内部排障", status="published", visibility="internal"
    )
    internal.tags.add(tag)
    draft_tag = Tag.objects.create(slug="draft-tag", name="草稿标签")
    Issue.objects.create(product=secret, slug="draft", title="草稿", status="draft").tags.add(
        draft_tag
    )
    for params in ({}, {"q": "排障"}):
        _, html = page(client, **params)
        for name in ("机密产品", "secret-product", "机密标签", "secret-tag", "草稿标签"):
            assert name not in html
    client.force_login(helpdesk)
    _, html = page(client, q="排障")
    assert "机密产品" in html and "机密标签" in html and "草稿标签" not in html


def test_hidden_and_unknown_filter_values_are_answered_alike(client, db):
    secret = Product.objects.create(slug="secret-product", name="机密产品")
    tag = Tag.objects.create(slug="secret-tag", name="机密标签")
    Issue.objects.create(
        product=secret, slug="inside", title="内部排障", status="published", visibility="internal"
    ).tags.add(tag)
    for name, hidden in (("tag", "secret-tag"), ("product", "secret-product")):
        answers = [
            client.get("/api/search/", {"q": "排障", name: value}, HTTP_ACCEPT_LANGUAGE="en")
            for value in (hidden, "no-such-value")
        ]
        assert {a.status_code for a in answers} == {HTTPStatus.BAD_REQUEST}
        hidden_error, unknown_error = (a.json()["error"] for a in answers)
        assert hidden_error == unknown_error.replace("no-such-value", hidden)


def test_an_internal_issues_tags_do_not_reach_the_public_code_entry(client, helpdesk, db):
    """Issue 14 item 5: tag an internal issue with a unique word, link it to a code."""
    product = Product.objects.create(slug="sdk", name="SDK")
    code = ErrorCode.objects.create(product=product, code="-1019", constant="kTokenBad")
    tag = Tag.objects.create(slug="zqxwordzz", name="zqxwordzz")
    internal = Issue.objects.create(
        product=product, slug="inside", title="内部排障", status="published", visibility="internal"
    )
    internal.tags.add(tag)
    code.issues.add(internal)
    data = client.get("/api/search/", {"q": "zqxwordzz"}).json()
    assert data["count"] == 0
    assert client.get("/api/search/", {"q": "-1019", "tag": "zqxwordzz"}).status_code == 400
    client.force_login(helpdesk)  # the internal issue itself is found by those who may read it
    urls = [r["url"] for r in client.get("/api/search/", {"q": "zqxwordzz"}).json()["results"]]
    assert urls == ["/issues/inside/"]
    # Made public, the issue's tag describes the code too.
    internal.visibility = "public"
    internal.save()
    client.logout()
    urls = [r["url"] for r in client.get("/api/search/", {"q": "zqxwordzz"}).json()["results"]]
    assert code.get_absolute_url() in urls


def test_filters_fold_away_on_a_phone(client, shipped_content):
    _, html = page(client, q="登录")
    assert re.search(r'<details class="search-facets" data-open-wide>\s*<summary>', html)
    _, html = page(client, q="登录", product="meeting-sdk")
    assert '<details class="search-facets" data-open-wide open>' in html  # filters on: shown


def test_a_query_nothing_matches_shows_the_closest_titles(client, shipped_content):
    _, html = page(client, q="扫马下栽")  # 扫码下载 typed with two wrong characters
    assert "Nothing matches “扫马下栽” closely enough." in html
    assert "Closest entries" in html
    assert "/issues/qr-code-download-address-missing-ip-port/" in html
    _, html = page(client, q="打印机卡纸墨盒")  # nothing like it: no made-up neighbours
    assert "Closest entries" not in html


def test_suggestions_mark_the_match_and_say_what_each_entry_is(client, shipped_content):
    data = client.get("/api/search/", {"q": "MDM证书", "suggest": "1", "limit": 3}).json()
    first = data["results"][0]
    assert first["type"] in ("issue", "error_code")
    assert "".join(text for text, _ in first["title_pieces"]) == first["title"]
    assert [text for text, marked in first["title_pieces"] if marked] == ["MDM", "证书", "证书"]
    plain = client.get("/api/search/", {"q": "MDM证书"}).json()["results"][0]
    assert "title_pieces" not in plain  # the documented contract is unchanged


def test_a_bad_filter_or_an_empty_box_is_named_as_the_reader_sees_it(client, shipped_content):
    response = client.get("/search/", {"q": "-1019", "product": "nope"})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'value="-1019"' in html  # the query stays in the box
    alert = (
        re.search(r'<div class="search-errors" role="alert">(.*?)</div>', html, re.S)
        .group(1)
        .strip()
    )
    assert alert.startswith("<p>产品：") and "product:" not in alert
    _, html = page(client, q="")
    alert = (
        re.search(r'<div class="search-errors" role="alert">(.*?)</div>', html, re.S)
        .group(1)
        .strip()
    )
    assert not alert.startswith("<p>q:")
    assert (
        client.get("/api/search/", {"q": "x", "product": "nope"})
        .json()["error"]
        .startswith("product:")
    )


def _result_links(html: str) -> list[str]:
    return re.findall(r'class="search-result__link" href="([^"]+)"', html)


@pytest.mark.parametrize("query", ["扫码下载没有ip端口", "登录失败"])
def test_a_facet_only_removes_results_and_shows_its_count(client, shipped_content, query):
    """The reader's walk: a product counted 2 showed 3, one of them a code that was not
    among the results before the filter."""
    _, html = page(client, q=query)
    unfiltered = set(_result_links(html))
    for facet in ("product", "tag", "network", "type"):
        for value, count in option_counts(html, facet).items():
            _, filtered = page(client, q=query, **{facet: value})
            shown = _result_links(filtered)
            assert len(shown) == count, (facet, value)
            assert set(shown) <= unfiltered, (facet, value)


def test_counts_apply_the_other_facets_chosen(client, shipped_content):
    """With a product chosen, each tag's count is what choosing it as well shows, and a
    tag that would find nothing with that product is not offered."""
    _, html = page(client, q="登录失败", product="meeting-sdk")
    tags = option_counts(html, "tag")
    assert tags
    for tag, count in tags.items():
        _, both = page(client, q="登录失败", product="meeting-sdk", tag=tag)
        assert len(_result_links(both)) == count, tag
    _, everything = page(client, q="登录失败")
    assert set(option_counts(everything, "tag")) > set(tags)  # some tags only elsewhere


def test_nothing_with_these_filters_says_so(client, shipped_content):
    _, html = page(client, q="登录失败", product="meeting-sdk", tag="mdm")
    assert "Nothing matches “登录失败” with these filters." in html
    assert "closely enough" not in html
