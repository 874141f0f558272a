"""Properties that must hold for every input, checked with generated inputs (hypothesis).

- Whatever string a reader types, search answers 200 or a clear 400, never a 500.
- Whatever an editor (or a phished editor account) writes, rendered Markdown holds
  nothing a browser would execute.
"""

from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issues.markdown import render_markdown

# Hostile and awkward pieces, mixed with arbitrary Unicode by the strategies below.
QUERY_FRAGMENTS = [
    "错误码-1019", "error -1019", "kTMSDKErrorTokenVerifyFailed", "扫码", "二維碼", "2004",
    '"', "'", "\\", "*", ":", "^", "-", "+", "(", ")", "NEAR(", "OR", "AND", "NOT", "{", "}",
    "%", "_", ";", "--", "/*", "\x00", "\r\n", "\u200b", "\ufeff", "🙂", "Ａ", "ﬁ", "ǅ",
    "<script>", "&amp;", " " * 50,
]  # fmt: skip

MARKDOWN_FRAGMENTS = [
    "<script>alert(1)</script>", "<script", "</script>", "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](jav\tascript:alert(1))",
    "[x](&#106;avascript:alert(1))", "[x](&#x6A;avascript:1)", "[x]( javascript:1)",
    "![x](data:text/html;base64,PHNjcmlwdD4=)", "[x](vbscript:msgbox(1))", "[x](data:,x)",
    "<a href='javascript:x'>a</a>", "<a href=\"java&#115;cript:1\">", "<svg onload=alert(1)>",
    "<math><mi xlink:href='javascript:1'>x</mi></math>", "<iframe src=//evil.example>",
    "<iframe srcdoc='<script>1</script>'>", "<style>*{}</style>", "<div style='x:1'>",
    "<object data=x>", "<embed src=x>", "<base href=//evil.example>", "<form action=x>",
    "<button formaction=javascript:1>", "<meta http-equiv=refresh content='0;url=x'>",
    "<link rel=stylesheet href=x>", "<details open ontoggle=alert(1)>", "<scr<script>ipt>",
    "<!--", "-->", "<![CDATA[", "]]>", "`", "```", "\n", "    ", "> ", "* ", "1. ", "| a |",
    "[", "]", "(", ")", "<", ">", '"', "'", "=", " onmouseover=", "&", "&#0;", "\x00",
    "<template><script>1</script></template>",
    "<noscript><p title='</noscript><img src=x onerror=1>'>",
]  # fmt: skip

# Elements that run code, load active content, or change where links and forms go.
EXECUTABLE_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
    "math", "template", "base", "form", "meta", "link", "input", "button", "textarea",
    "select", "noscript", "xmp", "plaintext", "portal", "video", "audio", "source",
}  # fmt: skip
DANGEROUS_ATTRIBUTES = {"style", "srcdoc", "formaction", "action", "xlink:href", "srcset"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "poster", "data", "cite"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


def mixed(fragments: list[str], *, max_size: int):
    piece = st.one_of(st.sampled_from(fragments), st.text(max_size=12))
    return st.lists(piece, max_size=max_size).map("".join)


any_query = st.one_of(st.text(max_size=80), mixed(QUERY_FRAGMENTS, max_size=12))
hypothesis_settings = settings(
    max_examples=60,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@hypothesis_settings
@given(query=any_query)
def test_search_page_never_fails_on_any_query(client, shipped_content, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code in {HTTPStatus.OK, HTTPStatus.BAD_REQUEST}, query


@pytest.mark.django_db
@hypothesis_settings
@given(query=any_query)
def test_search_api_never_fails_on_any_query(client, shipped_content, query):
    response = client.get("/api/search/", {"q": query})
    assert response.status_code in {HTTPStatus.OK, HTTPStatus.BAD_REQUEST}, query
    body = response.json()
    if response.status_code == HTTPStatus.BAD_REQUEST:
        assert body["error"]  # a message that says what is wrong
    else:
        assert isinstance(body["results"], list)


@pytest.mark.django_db
@hypothesis_settings
@given(query=any_query, product=st.text(max_size=30), tag=st.text(max_size=30))
def test_search_filters_never_fail_on_any_value(client, shipped_content, query, product, tag):
    for path in ("/search/", "/api/search/"):
        response = client.get(path, {"q": query, "product": product, "tag": tag})
        assert response.status_code in {HTTPStatus.OK, HTTPStatus.BAD_REQUEST}, (path, query)


@pytest.mark.django_db
def test_overlong_query_is_a_clear_400(client, settings):
    response = client.get("/api/search/", {"q": "x" * (settings.SEARCH_MAX_QUERY_LENGTH + 1)})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["error"]


class ExecutableFinder(HTMLParser):
    """Reads HTML the way a browser's tokenizer does (entities decoded) and lists what could run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        if tag in EXECUTABLE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in DANGEROUS_ATTRIBUTES:
                self.found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value is not None:
                # Browsers drop tabs and newlines anywhere in a URL and leading
                # control characters and spaces before reading its scheme.
                url = "".join(c for c in value if c not in "\t\n\r").lstrip(
                    "".join(map(chr, range(33)))
                )
                if url.lower().startswith(DANGEROUS_SCHEMES):
                    self.found.append(f"{tag}[{name}={value!r}]")


def executable_parts(html: str) -> list[str]:
    finder = ExecutableFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def test_the_finder_finds_what_it_looks_for():
    assert executable_parts("<script>1</script>") == ["<script>"]
    assert executable_parts('<img src="x" onerror="1">') == ["img[onerror]"]
    assert executable_parts('<a href="&#106;ava\tscript:1">x</a>')
    assert executable_parts('<a href=" data:text/html,x">x</a>')
    assert not executable_parts('<p><a href="https://example.org/" rel="noopener">x</a></p>')


@settings(max_examples=400, deadline=None, database=None)
@given(text=st.one_of(st.text(max_size=200), mixed(MARKDOWN_FRAGMENTS, max_size=20)))
def test_rendered_markdown_never_contains_anything_executable(text):
    html = str(render_markdown(text))
    assert not executable_parts(html), (text, html)


@pytest.mark.parametrize("text", MARKDOWN_FRAGMENTS)
def test_each_hostile_fragment_alone_is_neutralised(text):
    html = str(render_markdown(text))
    assert not executable_parts(html), html
