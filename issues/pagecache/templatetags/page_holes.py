"""Template tags for parts of a page kept whole (holes.py) that change with the clock."""

from django import template
from django.utils.timesince import timesince

register = template.Library()


@register.simple_tag(takes_context=True)
def time_since(context, moment) -> str:
    """``moment|timesince``; where the page is being rendered to be kept whole
    (``page_holes`` in the context), a hole that each request fills with its own now."""
    if not moment:
        return ""
    placeholders = context.get("page_holes")
    if placeholders is None:
        return timesince(moment)
    return placeholders.since_hole(moment)
