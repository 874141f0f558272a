"""Did you mean: identifiers and codes typed wrong, corrected against the index's own
vocabulary (the constants and codes of the error-code entries the reader may find);
and the entries whose titles come closest to a query that matched nothing.

Only words the index does not know are corrected: "ktmsdkerrortokenverifyfaild" →
kTMSDKErrorTokenVerifyFailed (edit distance), "tokenverifyfailed" → the constant it
ends (a name typed without its prefix), "2OO4" → 2004 (letters that look like digits).
Edit distance is rapidfuzz's; see docs/search.md.
"""

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import Levenshtein

from issues.search import terms
from issues.search.analyzer import fold
from issues.search.models import SearchEntry

# An identifier as typed (folded): letters first, long enough to be a name, not a word.
_IDENTIFIER = re.compile(r"(?<![a-z0-9_])[a-z][a-z0-9_]{5,127}(?![a-z0-9_])")
# A code with letters that look like digits ("2oo4", "-1o19"); at least one digit.
_CODE_LIKE = re.compile(r"(?<![a-z0-9_])-?(?=[0-9ol]*[0-9])[0-9ol]{2,12}(?![a-z0-9_])")
_LOOKALIKE_DIGITS = str.maketrans("ol", "01")
# How alike a typed name must be to a constant: the whole name, or the end of one.
WHOLE_SIMILARITY = 0.85
SUFFIX_SCORE = 90.0
SUFFIX_MIN_CHARS = 8
# Closest titles to a query that found nothing: how alike (rapidfuzz WRatio, 0-100),
# and how many titles are compared at most (the most viewed first).
CLOSEST_TITLE_SCORE = 50.0
CLOSEST_SCAN = 20000


@dataclass
class Correction:
    """The query with its unknown identifiers and codes replaced, and what was replaced."""

    query: str
    replaced: list[tuple[str, str]] = field(default_factory=list)  # (as typed, corrected)


@dataclass
class _Vocabulary:
    constants: dict[str, str]  # lowercase → as written
    codes: dict[str, str]  # unsigned, as stored → as written

    @classmethod
    def for_reader(cls, user) -> "_Vocabulary":
        rows = (
            SearchEntry.objects.visible_to(user)
            .filter(kind=SearchEntry.Kind.ERROR_CODE)
            .values_list("error_code__constant", "error_code__code", "error_code__unsigned_code")
        )
        constants, codes = {}, {}
        for constant, code, unsigned in rows:
            if constant:
                constants[constant.lower()] = constant
            codes.setdefault(unsigned, code)
        return cls(constants, codes)

    def closest_constant(self, word: str) -> str | None:
        if not self.constants:
            return None
        keys = list(self.constants)
        best = process.extractOne(
            word, keys, scorer=Levenshtein.normalized_similarity, score_cutoff=WHOLE_SIMILARITY
        )
        if best:
            return self.constants[best[0]]
        if len(word) < SUFFIX_MIN_CHARS:
            return None
        # A name typed without its prefix ("tokenverifyfailed"): the best-aligned stretch
        # of a constant must be its end, so a word in the middle of one does not count.
        scored = []
        for key in keys:
            alignment = fuzz.partial_ratio_alignment(word, key, score_cutoff=SUFFIX_SCORE)
            if alignment and alignment.dest_end >= len(key) - 1 and len(key) > len(word):
                scored.append((alignment.score, -len(key), key))
        return self.constants[max(scored)[2]] if scored else None

    def code(self, typed: str) -> str | None:
        sign = "-" if typed.startswith("-") else ""
        digits = typed.lstrip("-").translate(_LOOKALIKE_DIGITS).lstrip("0") or "0"
        written = self.codes.get(digits)
        if written is None:
            return None
        return written if written.startswith("-") or not sign else f"-{written}"


def correct(query: str, *, user) -> Correction | None:
    """The query with its unknown identifiers and codes corrected, or None."""
    folded = fold(query)
    names = set(_IDENTIFIER.findall(folded))
    lookalikes = {m.group() for m in _CODE_LIKE.finditer(folded) if not m.group().isdigit()}
    if not names and not lookalikes:
        return None
    known, _ = terms.frequencies(sorted(names))
    unknown = [name for name in sorted(names) if not known.get(name)]
    if not unknown and not lookalikes:
        return None
    vocabulary = _Vocabulary.for_reader(user)
    replaced = []
    for name in unknown:
        constant = vocabulary.closest_constant(name)
        if constant and constant.lower() != name:
            replaced.append((name, constant))
    for typed in sorted(lookalikes):
        code = vocabulary.code(typed)
        if code and code != typed:  # "-1019" as written is found, not corrected
            replaced.append((typed, code))
    if not replaced:
        return None
    corrected = _replace(query, folded, replaced)
    if corrected == " ".join(query.split()):
        return None
    return Correction(query=corrected, replaced=replaced)


def _replace(query: str, folded: str, replaced: list[tuple[str, str]]) -> str:
    """The query as typed with each word replaced (the folded query when folding changed
    a word beyond its case, e.g. full-width "２ＯＯ４")."""
    for text in (query, folded):
        for typed, corrected in replaced:
            pattern = rf"(?<![A-Za-z0-9_]){re.escape(typed)}(?![A-Za-z0-9_])"
            text, found = re.subn(pattern, corrected, text, flags=re.IGNORECASE)
            if not found:
                break
        else:
            return " ".join(text.split())
    return " ".join(folded.split())


def closest_titles(query: str, *, user, limit: int) -> list[int]:
    """Ids of the entries whose titles are most like the query ("扫马下栽" → 扫码下载…),
    for a query no entry matches by its words."""
    titles = dict(
        SearchEntry.objects.visible_to(user)
        .order_by("-popularity", "pk")
        .values_list("pk", "title")[:CLOSEST_SCAN]
    )
    best = process.extract(
        query,
        titles,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=CLOSEST_TITLE_SCORE,
        limit=limit,
    )
    return [pk for _, _, pk in best]
