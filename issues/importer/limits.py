"""Bounds on what an imported file may make the parsers do.

YAML aliases are refused outright (a few hundred bytes of nested ``*alias`` expand
to gigabytes once anything walks them), nesting is bounded in YAML and JSON (deep
nesting ends in RecursionError), and files larger than ``KB_IMPORT_MAX_BYTES`` are
refused before they are read. docs/security.md lists what each bound protects.
"""

import json
import re
from itertools import accumulate

import yaml
from django.conf import settings
from django.utils.translation import gettext as _
from frontmatter.default_handlers import YAMLHandler

DEFAULT_IMPORT_MAX_BYTES = 2 * 1024 * 1024
# kbsite's own files nest three levels (export → issues → fixes); 20 leaves room for
# hand-written front matter and is far below Python's recursion limit.
MAX_NESTING = 20


class LimitExceeded(ValueError):
    """The file is well-formed but exceeds a bound; the message names the bound."""


def import_max_bytes() -> int:
    return int(getattr(settings, "KB_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES))


def check_size(size: int, *, name: str, limit: int | None = None) -> None:
    limit = limit or import_max_bytes()
    if size > limit:
        raise LimitExceeded(
            _(
                "%(file)s: the file is %(size)d KB, larger than the import limit of %(limit)d KB "
                "(KB_IMPORT_MAX_BYTES); split it into smaller files."
            )
            % {"file": name, "size": size // 1024, "limit": limit // 1024}
        )


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and nesting deeper than MAX_NESTING.

    Checked while composing the node tree, before any Python object is built, so a
    refused document costs no more than reading its text once.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise LimitExceeded(
                _(
                    "YAML aliases (*%(anchor)s) are not accepted (line %(line)d); "
                    "write the value out in full"
                )
                % {"anchor": event.anchor, "line": event.start_mark.line + 1}
            )
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                mark = self.peek_event().start_mark
                raise LimitExceeded(
                    _("the front matter nests more than %(limit)d levels deep (line %(line)d)")
                    % {"limit": MAX_NESTING, "line": mark.line + 1}
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class BoundedYAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler with the bounded loader."""

    def load(self, fm: str, **kwargs):
        return yaml.load(fm, Loader=_BoundedLoader)  # noqa: S506 (a SafeLoader subclass)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_nesting(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text (strings skipped)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    steps = (1 if char in "[{" else -1 for char in brackets)
    return max(accumulate(steps, initial=0))


def load_json(text: str):
    """``json.loads`` after checking nesting, so deep input is refused, not a RecursionError."""
    depth = json_nesting(text)
    if depth > MAX_NESTING:
        raise LimitExceeded(
            _("the JSON nests %(depth)d levels deep (at most %(limit)d)")
            % {"depth": depth, "limit": MAX_NESTING}
        )
    return json.loads(text)
