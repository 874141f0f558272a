"""Template helpers for the public pages."""

import html
from functools import lru_cache

from django import template
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.html import strip_tags
from django.utils.safestring import SafeString

from issues.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Editor-written Markdown as sanitized HTML: ``{{ fix.body|markdown }}``."""
    return render_markdown(text)


@register.filter(name="markdown_text")
def markdown_text_filter(text: str) -> str:
    """Editor-written Markdown as plain text, for meta descriptions and one-line excerpts."""
    return html.unescape(strip_tags(render_markdown(text))).strip()


@lru_cache(maxsize=64)
def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


@register.simple_tag
def template_exists(name: str) -> bool:
    """Lets a page include a part another app provides only when that app ships it.

    ``{% template_exists "search/_search_box.html" as has_box %}`` keeps the page
    working (with its own fallback) while the other part is absent.
    """
    return _template_exists(name)
