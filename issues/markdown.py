"""Markdown from editors, rendered to HTML that is safe to show any reader.

Editors write Markdown, but an editor account can be phished and imported content
can carry anything, so the HTML that Markdown produces is cleaned by nh3 (the
ammonia sanitizer) against a small allowlist before it reaches a page. nh3 parses
the HTML like a browser does, so entity-encoded schemes (``jav&#x61;script:``),
SVG/MathML namespace tricks and event handlers are judged after decoding.
"""

from urllib.parse import urlsplit

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
# Column alignment as the `align` attribute: a style attribute would be blocked by a strict CSP.
MARKDOWN_EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}}

ALLOWED_TAGS = {
    "p", "br", "hr", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6",
    "strong", "em", "b", "i", "del", "s", "sup", "sub", "kbd", "code", "pre",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "a", "img",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}

# Content of these is dropped entirely rather than shown as text.
DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "svg", "math"}

LINK_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer"


def is_same_site_url(url: str) -> bool:
    """True for a URL without scheme or host, i.e. one that stays on this site.

    "//host/x" is protocol-relative (another host), and a backslash is read by
    browsers as a slash ("/\\host/x"), so both are refused.
    """
    if "\\" in url:
        return False
    parts = urlsplit(url.strip())
    return not parts.scheme and not parts.netloc and not url.strip().startswith("//")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Images load without a click: only ones served by the site itself are allowed,
    # so a page cannot be made to ping a third party (tracking, NTLM leaks on intranets).
    if tag == "img" and attribute == "src":
        return value if is_same_site_url(value) else None
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=LINK_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> SafeString:
    """Markdown text as sanitized HTML, ready for a template."""
    if not text:
        return mark_safe("")
    html = markdown.markdown(
        text,
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs=MARKDOWN_EXTENSION_CONFIGS,
        output_format="html",
    )
    return mark_safe(sanitize_html(html))  # noqa: S308 - sanitized by nh3 just above
