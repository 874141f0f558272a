"""Snippets and highlighting on the original text, never on the token text.

Terms are found in the folded text (NFKC, simplified, lowercase) and the matching
stretch of the original is marked, so "登錄" typed finds and marks "登录" as the
editor wrote it. The original is escaped piece by piece before any <mark> is added.
"""

import re
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from issues.search.analyzer import fold_with_offsets

ELLIPSIS = "…"


@lru_cache(maxsize=4096)
def _needle_pattern(needle: str) -> re.Pattern:
    if needle.isascii() and needle.isalpha():  # an English word starts at a word boundary
        return re.compile(r"(?<![a-z0-9])" + re.escape(needle))
    return re.compile(re.escape(needle))


def _spans(text: str, needles: list[str]) -> tuple[list[tuple[int, int]], list[int]]:
    folded, offsets = fold_with_offsets(text)
    found = []
    for needle in needles:
        found += [m.span() for m in _needle_pattern(needle).finditer(folded)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    # Back to positions in the original text.
    original = [(offsets[s], offsets[e - 1] + 1) for s, e in merged]
    return original, offsets


def highlight_needles(surfaces: set[str]) -> list[str]:
    """Longest first, and no single letters or characters: they would mark everything."""
    useful = {s for s in surfaces if len(s) > 1 or s.isdigit()}
    return sorted(useful, key=len, reverse=True)


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out, position = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[position:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        position = e
    out.append(escape(text[position:end]))
    return "".join(out)


def highlight(text: str, needles: list[str]) -> SafeString:
    spans, _ = _spans(text, needles)
    return mark_safe(_render(text, spans, 0, len(text)))  # noqa: S308 - escaped in _render


def snippet(texts: list[str], needles: list[str], *, length: int = 140) -> tuple[SafeString, str]:
    """The best window of the text with most hits: (highlighted HTML, plain text)."""
    best_text, best_spans, best_hits = "", [], -1
    for text in texts:
        text = " ".join((text or "").split())
        if not text:
            continue
        spans, _ = _spans(text, needles)
        if len(spans) > best_hits:
            best_text, best_spans, best_hits = text, spans, len(spans)
    if not best_text:
        return mark_safe(""), ""
    start = 0
    if best_spans:
        # Start a little before the window holding the most hits.
        def hits_from(s):
            return sum(1 for a, _ in best_spans if s <= a < s + length)

        first = max((s for s, _ in best_spans), key=lambda s: (hits_from(max(s - 20, 0)), -s))
        start = max(first - 20, 0)
    end = min(start + length, len(best_text))
    start = max(0, min(start, end - length))
    html = _render(best_text, best_spans, start, end)
    plain = best_text[start:end]
    if start > 0:
        html, plain = ELLIPSIS + html, ELLIPSIS + plain
    if end < len(best_text):
        html, plain = html + ELLIPSIS, plain + ELLIPSIS
    return mark_safe(html), plain  # noqa: S308 - escaped in _render
