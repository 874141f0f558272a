import pytest

from issues.search.forms import ApiSearchForm, SearchForm


@pytest.mark.parametrize("q", ["", "   ", "x" * 501, "a\x00b", "a\x1bb", "\x7f"])
def test_rejects_bad_queries(q):
    assert not SearchForm({"q": q}).is_valid()


@pytest.mark.parametrize("q", ["-1019", "扫码\t下载", "x" * 500, "line one\nline two"])
def test_accepts_real_queries(q):
    assert SearchForm({"q": q}).is_valid()


@pytest.mark.parametrize("limit", ["0", "51", "-1", "ten"])
def test_api_limit_bounds(limit):
    assert not ApiSearchForm({"q": "登录", "limit": limit}).is_valid()
