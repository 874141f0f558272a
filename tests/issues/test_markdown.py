"""Markdown renders the useful parts and neutralises hostile input."""

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from issues.markdown import is_same_site_url, render_markdown


def test_returns_safe_string():
    assert isinstance(render_markdown("**a**"), SafeString)
    assert render_markdown("") == ""


def test_tables_lists_code_headings_and_emphasis_survive():
    html = render_markdown(
        "## 步骤\n\n1. 打开 **设置**\n2. 点击 *信任*\n\n- a\n- b\n\n"
        "| 域名 | 端口 |\n|:--|--:|\n| conn.wemeet.tencent.com | 443 |\n\n"
        "```\ntelnet host 443\n```\n\n`inline`"
    )
    for fragment in (
        "<h2>步骤</h2>",
        "<ol>",
        "<li>打开 <strong>设置</strong></li>",
        "<em>信任</em>",
        "<ul>",
        "<table>",
        '<th align="left">域名</th>',
        '<td align="right">443</td>',
        "<pre><code>telnet host 443",
        "<code>inline</code>",
    ):
        assert fragment in html, fragment


def test_sane_lists_keep_start_number():
    assert '<ol start="3">' in render_markdown("3. 第三步\n4. 第四步")


def test_links_get_noopener_noreferrer():
    html = render_markdown("[帮助](https://example.com/help)")
    assert '<a href="https://example.com/help" rel="noopener noreferrer">帮助</a>' in html


def test_relative_links_and_mailto_are_kept():
    assert 'href="/issues/x/"' in render_markdown("[x](/issues/x/)")
    assert 'href="mailto:help@example.com"' in render_markdown("<mailto:help@example.com>")


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=/x.js></SCRIPT>",
        '<img src="/x.png" onerror="alert(1)">',
        '<p onclick="alert(1)">text</p>',
        '<a href="#" onmouseover="alert(1)">x</a>',
        "<body onload=alert(1)>",
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<iframe src=/x></iframe>",
        '<object data="/x.swf"></object>',
        '<form action="/x"><button>go</button></form>',
        "<style>body{display:none}</style>",
        "<template><script>alert(1)</script></template>",
    ],
)
def test_scripts_handlers_and_active_content_are_removed(hostile):
    html = render_markdown(hostile).lower()
    for bad in (
        "<script",
        "onerror",
        "onclick",
        "onmouseover",
        "onload",
        "style=",
        "<iframe",
        "<object",
        "<form",
        "<style",
        "alert(1)",
        "<template",
        "javascript",
    ):
        assert bad not in html, (hostile, html)


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](<javascript:alert(1)>)",
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    ],
)
def test_javascript_and_data_urls_are_removed(link):
    html = render_markdown(link).lower()
    assert "href" not in html, html
    assert "javascript" not in html and "data:" not in html


@pytest.mark.parametrize(
    "encoded",
    [
        "[x](jav&#x61;script:alert(1))",
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">x</a>',
        '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
        '&#0000112&#0000116&#0000058alert(1)">x</a>',
        '<a href="java&#9;script:alert(1)">x</a>',
        '<a href="java&#x0A;script:alert(1)">x</a>',
        '<a href="&#x64;ata:text/html,x">x</a>',
    ],
)
def test_entity_encoded_schemes_are_removed(encoded):
    html = render_markdown(encoded)
    assert "href" not in html, html


@pytest.mark.parametrize(
    "trick",
    [
        "<svg><script>alert(1)</script></svg>",
        '<svg onload="alert(1)"><circle r="1"/></svg>',
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
        '<svg><animate attributeName="href" to="javascript:alert(1)"/></svg>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<math href="javascript:alert(1)">click</math>',
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction>'
        "</math>",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    ],
)
def test_svg_and_mathml_tricks_are_neutralised(trick):
    html = render_markdown(trick).lower()
    for bad in ("<svg", "<math", "onerror", "onload", "javascript", "<script", "xlink"):
        assert bad not in html, (trick, html)


def test_images_only_from_the_site_itself():
    html = render_markdown(
        "![a](/static/a.png) ![b](https://evil.example/b.png) ![c](//evil.example/c.png) "
        "![d](/\\evil.example/d.png)"
    )
    assert 'src="/static/a.png"' in html
    assert "evil.example" not in html
    assert render_markdown('<img src="data:image/png;base64,AAAA">').count("src=") == 0


@pytest.mark.parametrize(
    ("url", "same_site"),
    [
        ("/static/a.png", True),
        ("img/a.png", True),
        ("https://example.com/a.png", False),
        ("//example.com/a.png", False),
        ("/\\example.com/a.png", False),
        (" //example.com/a.png", False),
        ("data:image/png;base64,AA", False),
    ],
)
def test_is_same_site_url(url, same_site):
    assert is_same_site_url(url) is same_site


def test_raw_html_in_code_is_escaped_not_executed():
    html = render_markdown("```\n<script>alert(1)</script>\n```")
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_template_filter_uses_the_same_renderer():
    rendered = Template("{% load kb %}{{ text|markdown }}").render(
        Context({"text": "**ok** <script>alert(1)</script>"})
    )
    assert rendered == str(render_markdown("**ok** <script>alert(1)</script>"))
    assert "<strong>ok</strong>" in rendered and "<script>" not in rendered
