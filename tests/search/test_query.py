"""Exact codes first, ranking, quoting and visibility, on small knowledge built here."""

import pytest
from django.contrib.auth.models import AnonymousUser

from issues.models import Product
from issues.search.backends import get_backend
from issues.search.query import search

pytestmark = pytest.mark.django_db
anonymous = AnonymousUser()


def urls(query, **kwargs):
    return [r.entry.url for r in search(query, user=anonymous, **kwargs).results]


@pytest.fixture
def two_products_with_code(make_code, make_issue, product):
    other = Product.objects.create(slug="gadget", name="Gadget")
    mine = make_code("-1019", "kTokenVerifyFailed", description="令牌校验失败")
    unsigned = make_code("1019", "", product_=other, description="另一个产品的 1019")
    theirs_signed = make_code("-1019", "", product_=other, description="另一个产品的 -1019")
    return mine, unsigned, theirs_signed


@pytest.mark.parametrize(
    "query", ["-1019", "错误码-1019", "error -1019", "Error code: -1019", "－１０１９"]
)
def test_signed_code_ranks_exact_matches_first_in_every_product(query, two_products_with_code):
    mine, unsigned, theirs_signed = two_products_with_code
    found = urls(query)
    assert set(found[:2]) == {mine.get_absolute_url(), theirs_signed.get_absolute_url()}
    assert found[2] == unsigned.get_absolute_url()


def test_unsigned_query_finds_signed_and_unsigned_codes(two_products_with_code):
    mine, unsigned, theirs_signed = two_products_with_code
    found = urls("1019")
    assert found[0] == unsigned.get_absolute_url()  # exactly as typed
    assert set(found[1:3]) == {mine.get_absolute_url(), theirs_signed.get_absolute_url()}


def test_constant_in_any_case_finds_its_code(two_products_with_code):
    mine = two_products_with_code[0]
    assert urls("KTOKENVERIFYFAILED")[0] == mine.get_absolute_url()
    assert urls("ktokenverifyfailed")[0] == mine.get_absolute_url()


def test_code_inside_a_sentence_is_found(make_code, make_issue):
    code = make_code("2004", "", description="没有权限接入")
    issue = make_issue("perm", "登录提示没有权限")
    code.issues.add(issue)
    found = urls("登录报错2004")
    assert found[:2] == [code.get_absolute_url(), issue.get_absolute_url()]


def test_numbers_inside_words_are_not_codes(make_code):
    make_code("6", "")
    assert urls("ipv6") == []


def test_title_and_symptom_hits_rank_above_fix_text(make_issue):
    from issues.models import Fix

    in_fix = make_issue("fix-mentions", "打印机卡纸")
    Fix.objects.create(issue=in_fix, body="检查网关超时设置")
    in_title = make_issue("title-says", "网关超时")
    in_symptom = make_issue("symptom-says", "页面打不开", symptoms=["浏览器提示网关超时"])
    assert urls("网关超时") == [
        in_title.get_absolute_url(),
        in_symptom.get_absolute_url(),
        in_fix.get_absolute_url(),
    ]


def test_minimum_share_of_terms_must_match(make_issue):
    both = make_issue("both", "蓝牙耳机连接断开")
    one = make_issue("one", "蓝牙键盘")
    found = urls("蓝牙耳机断开")
    assert found[0] == both.get_absolute_url()
    assert one.get_absolute_url() not in found  # one term of three


def test_synonyms_find_the_other_wording(make_issue):
    issue = make_issue("scan", "扫描二维码后没有反应")
    assert urls("扫码没反应")[0] == issue.get_absolute_url()


def test_synonym_edits_apply_to_the_next_search(make_issue):
    from issues.search.models import Synonym

    issue = make_issue("printer", "打印机卡纸")
    assert urls("印表机卡纸")[0] == issue.get_absolute_url()  # 卡纸 alone carries it
    assert urls("印表机") == []
    Synonym.objects.create(terms="印表机, 打印机")
    assert urls("印表机")[0] == issue.get_absolute_url()


@pytest.mark.parametrize(
    "hostile",
    ['" OR *', "NEAR(a b)", "a AND b NOT c", "'; DROP TABLE x; --", "col:term", "a & !b | c:*"],
)
def test_query_syntax_in_user_text_is_never_interpreted(hostile, make_issue):
    make_issue("plain", "普通条目 near and not")
    search(hostile, user=anonymous)  # no database error
    assert get_backend().matching_any(['"', "*", "'"], public_only=True, limit=5) == []


def test_snippet_highlights_original_text_and_escapes_it(make_issue):
    make_issue("xss", "脚本问题", symptoms=["页面出现 <script>alert(1)</script> 和登錄失败"])
    result = search("登录失败", user=anonymous).results[0]
    assert "&lt;script&gt;" in result.snippet_html
    assert "<script>" not in result.snippet_html
    assert "<mark>登錄失败</mark>" in result.snippet_html  # the original, traditional form


def test_facet_restriction_narrows_results(make_issue, network_tag):
    from issues.search.models import SearchEntry

    tagged = make_issue("tagged", "网关超时 A")
    make_issue("untagged", "网关超时 B")
    tagged.tags.add(network_tag)
    entries = SearchEntry.objects.filter(network_related=True)
    assert urls("网关超时", entries=entries) == [tagged.get_absolute_url()]


def test_verbatim_phrase_lifts_an_entry_onto_a_one_result_page(make_issue):
    make_issue("apart", "网关，超时以后")
    verbatim = make_issue("verbatim", "网关超时以后")
    assert urls("网关超时", limit=1) == [verbatim.get_absolute_url()]
    assert urls("网关超时", limit=5)[0] == verbatim.get_absolute_url()
