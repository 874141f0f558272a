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


def pieces(text: str, needles: list[str]) -> list[tuple[str, bool]]:
    """The text cut into (piece, is_match), for clients that build their own markup."""
    spans, _ = _spans(text, needles)
    out, position = [], 0
    for start, end in spans:
        if start > position:
            out.append((text[position:start], False))
        out.append((text[start:end], True))
        position = end
    if position < len(text):
        out.append((text[position:], False))
    return out


# A Markdown table's rule row ("|---|:--:|") and the ends of sentences and clauses.
_TABLE_RULE = re.compile(r"^\s*\|?(\s*:?-{2,}:?\s*\|)+\s*(:?-{2,}:?)?\s*$")
_SENTENCE_END = re.compile(r"(?<=[。！？；])|(?<=[.!?;])\s")
_CJK_END = ("。", "！", "？", "；")
# A hit further than this into its sentence starts the snippet just before it instead.
_LEAD = 20


@lru_cache(maxsize=512)
def sentences(text: str) -> tuple[str, tuple[int, ...]]:
    """The text on one line and where each of its sentences starts in it.

    A table row becomes its cells joined by " · " (its rule row goes), so a snippet
    never opens on "…om | TCP: 80, 443 |". Remembered per text: the same entries
    come back search after search.
    """
    parts = []
    for line in (text or "").splitlines():
        if _TABLE_RULE.match(line):
            continue
        line = line.strip()
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip("|").split("|") if cell.strip()]
            line = " · ".join(cells) + ";"
        parts += [" ".join(p.split()) for p in _SENTENCE_END.split(line) if p.strip()]
    starts, pieces, position = [], [], 0
    for part in parts:
        # Chinese sentences follow each other without a space; others get one.
        gap = "" if not pieces or pieces[-1].endswith(_CJK_END) else " "
        starts.append(position + len(gap))
        pieces.append(gap + part)
        position += len(gap) + len(part)
    return "".join(pieces), tuple(starts)


def _window_start(text: str, starts: tuple[int, ...], first_hit: int, length: int) -> int:
    """The start of the hit's sentence, unless the hit would fall out of the window."""
    start = max((s for s in starts if s <= first_hit), default=0)
    if first_hit - start > length - 2 * _LEAD:
        start = max(first_hit - _LEAD, 0)
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if first_hit - space <= 2 * _LEAD and space >= 0 else start
    if len(text) - start < length:  # near the end: show whole sentences before it too
        earlier = [s for s in starts if s < start and len(text) - s <= length]
        start = min(earlier, default=start)
    return start


def snippet(texts: list[str], needles: list[str], *, length: int = 140) -> tuple[SafeString, str]:
    """The window of the text with most hits, from the start of a sentence where it can:
    (highlighted HTML, plain text)."""
    best_text, best_starts, best_spans, best_hits = "", [0], [], -1
    for text in texts:
        text, starts = sentences(text)
        if not text:
            continue
        spans, _ = _spans(text, needles)
        if len(spans) > best_hits:
            best_text, best_starts, best_spans, best_hits = text, starts, spans, len(spans)
    if not best_text:
        return mark_safe(""), ""
    start = 0
    if best_spans:
        # The window holding the most hits, starting at its first hit's sentence.
        def hits_from(s):
            return sum(1 for a, _ in best_spans if s <= a < s + length)

        first = max((s for s, _ in best_spans), key=lambda s: (hits_from(max(s - _LEAD, 0)), -s))
        start = _window_start(best_text, best_starts, first, length)
    end = min(start + length, len(best_text))
    html = _render(best_text, best_spans, start, end)
    plain = best_text[start:end]
    if start > 0 and start not in best_starts:
        html, plain = ELLIPSIS + html, ELLIPSIS + plain
    if end < len(best_text):
        html, plain = html + ELLIPSIS, plain + ELLIPSIS
    return mark_safe(html), plain  # noqa: S308 - escaped in _render
