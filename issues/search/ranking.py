"""The re-rank: one function that orders candidates, with weights from weights.py."""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from issues.search import weights
from issues.search.analyzer import Term


@dataclass
class Match:
    """How well one entry answers the query."""

    entry_id: int
    text_score: float = 0.0
    code_tier: float = 0.0  # EXACT_* when the entry is the code typed
    terms_found: int = 0
    title_found: int = 0
    symptoms_found: int = 0
    matched_tokens: set[str] = field(default_factory=set)
    found_terms: set[int] = field(default_factory=set)
    phrase: bool = False
    may_hold_phrase: bool = True  # every Chinese bigram of the query is among its tokens
    weight: float = 1.0  # of words found anywhere: weights.KIND_WEIGHT of the entry's kind
    score: float = 0.0


def measure(match: Match, terms: list[Term], fields: dict[str, set[str]]) -> None:
    """Which of the query's terms the entry holds, overall and in title / symptoms."""
    everything = set().union(*fields.values())
    for index, term in enumerate(terms):
        found = _found(term, everything)
        if not found:
            continue
        match.terms_found += 1
        match.found_terms.add(index)
        match.matched_tokens |= found
        if _found(term, fields["title"]):
            match.title_found += 1
        if _found(term, fields["symptoms"]):
            match.symptoms_found += 1


def _found(term: Term, tokens: set[str]) -> set[str]:
    """The tokens by which the term is in ``tokens``: its own, or a whole synonym."""
    found = term.tokens & tokens
    for words in term.alternatives:
        if words <= tokens:
            found |= words
    return found


def completeness(match: Match, terms: list[Term]) -> float:
    """The share of the query an entry holds whole: a term held as itself, by all its
    parts (收不 and 不到 of 收不到) or by a whole synonym counts 1; one held only by some
    of its tokens (会议 of 视频会议) counts that share."""
    if not terms:
        return 1.0
    held = match.matched_tokens
    total = 0.0
    for term in terms:
        parts = term.tokens - {term.surface}
        whole = term.surface in held or (parts and parts <= held)
        if whole or any(words <= held for words in term.alternatives):
            total += 1.0
        elif term.tokens:
            total += len(term.tokens & held) / len(term.tokens)
    return total / len(terms)


def passes(match: Match, term_count: int, min_share: float) -> bool:
    if match.code_tier:
        return True
    if not match.terms_found:
        return False
    return term_count == 0 or match.terms_found / term_count >= min_share - 1e-9


def idf(entries_holding: int, total: int) -> float:
    """BM25's inverse document frequency (never negative)."""
    return math.log(1.0 + (total - entries_holding + 0.5) / (entries_holding + 0.5))


def weighted_length(fields: Mapping[str, list[str]]) -> float:
    return sum(weights.FIELD_WEIGHTS[name] * len(tokens) for name, tokens in fields.items())


def text_score(
    fields: Mapping[str, list[str]],
    field_sets: Mapping[str, set[str]],
    present: Iterable[str],
    idfs: Mapping[str, float],
    length: float,
    average_length: float,
) -> float:
    """BM25F: each query token's field-weighted frequency in the entry, saturated,
    normalised by the entry's weighted length, times the token's idf.

    ``present`` is the query's tokens the entry holds; ``fields`` its tokens in
    order, repeats kept, and ``field_sets`` the same as sets. Computed in Python for
    the few candidates only, so both databases score alike and neither scores every
    matching row.
    """
    return saturated(frequencies(fields, field_sets, present), idfs, length, average_length)


def frequencies(
    fields: Mapping[str, list[str]], field_sets: Mapping[str, set[str]], present: Iterable[str]
) -> dict[str, float]:
    """Each present token's field-weighted frequency in the entry: the part of the text
    score that depends on the entry alone, so a search computes it once per entry."""
    found = {}
    for token in present:
        frequency = 0.0
        for name, tokens in fields.items():
            if token in field_sets[name]:
                frequency += weights.FIELD_WEIGHTS[name] * tokens.count(token)
        found[token] = frequency
    return found


def saturated(
    found: Mapping[str, float], idfs: Mapping[str, float], length: float, average_length: float
) -> float:
    """The text score from the entry's ``frequencies``."""
    norm = weights.BM25_K1 * (
        1.0 - weights.BM25_B + weights.BM25_B * length / (average_length or 1.0)
    )
    return sum(idfs.get(token, 0.0) * f / (f + norm) for token, f in found.items())


def text_ceiling(idfs: Mapping[str, float], counts: Mapping[str, int]) -> float:
    """A text score no entry reaches: each held token adds less than its idf (f / (f +
    norm) < 1), and a token no entry holds adds nothing."""
    return sum(value for token, value in idfs.items() if counts.get(token, 0) > 0)


def structure(match: Match, term_count: int) -> float:
    """The score without its text part: what no other candidate changes (the candidate
    search bounds entries by it, candidates.select)."""
    share = (lambda n: n / term_count) if term_count else (lambda n: 0.0)
    return (
        match.code_tier
        + weights.TITLE_SHARE * share(match.title_found)
        + weights.SYMPTOM_SHARE * share(match.symptoms_found)
        + match.weight * weights.TERM_SHARE * share(match.terms_found)
        + (weights.PHRASE if match.phrase else 0.0)
    )


def score(matches: list[Match], term_count: int) -> list[Match]:
    """Exact code first, then title and symptom hits, then the text score."""
    best_text = max((m.text_score for m in matches), default=0.0) or 1.0
    for m in matches:
        text = weights.TEXT_SCORE * max(m.text_score, 0.0) / best_text
        m.score = structure(m, term_count) + m.weight * text
    return sorted(matches, key=lambda m: (-m.score, m.entry_id))
