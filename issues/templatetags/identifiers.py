"""Long identifiers (kTMSDKErrorTokenVerifyFailed, ON_TOKEN_EXPIRED) wrap at word boundaries.

A phone is narrower than many SDK constants. With no break opportunity the browser either
overflows or (word-break: break-all) splits them anywhere, mid-word. A <wbr> at each
camelCase, underscore and dot boundary lets the line break where a reader would;
``overflow-wrap: anywhere`` in site.css stays as the fallback for a single long word.
"""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Before an upper-case letter after a lower-case one or a digit (errorToken), before the
# last capital of a run that starts a word (SDKError), and after "_" or "." separators.
_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[_.])(?=[^_.])")


@register.filter(name="wbr")
def wbr_filter(value) -> SafeString:
    """The identifier, escaped, with <wbr> at its word boundaries: ``{{ code.constant|wbr }}``."""
    parts = _BOUNDARY.split(str(value or ""))
    return mark_safe("<wbr>".join(conditional_escape(part) for part in parts))  # noqa: S308
