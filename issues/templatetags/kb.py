"""Template helpers for the public pages."""

from functools import lru_cache

from django import template
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.safestring import SafeString

from issues.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Editor-written Markdown as sanitized HTML: ``{{ fix.body|markdown }}``."""
    return render_markdown(text)


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
