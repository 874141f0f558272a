"""The re-rank: one function that orders candidates, with weights from weights.py."""

from dataclasses import dataclass, field

from issues.search import weights
from issues.search.analyzer import Term


@dataclass
class Match:
    """How well one entry answers the query."""

    entry_id: int
    db_score: float = 0.0
    code_tier: float = 0.0  # EXACT_* when the entry is the code typed
    terms_found: int = 0
    title_found: int = 0
    symptoms_found: int = 0
    matched_tokens: set[str] = field(default_factory=set)
    found_terms: set[int] = field(default_factory=set)
    phrase: bool = False
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


def passes(match: Match, term_count: int, min_share: float) -> bool:
    if match.code_tier:
        return True
    if not match.terms_found:
        return False
    return term_count == 0 or match.terms_found / term_count >= min_share - 1e-9


def score(matches: list[Match], term_count: int) -> list[Match]:
    """Exact code first, then title and symptom hits, then the database score."""
    best_db = max((m.db_score for m in matches), default=0.0) or 1.0
    for m in matches:
        share = lambda n: n / term_count if term_count else 0.0  # noqa: E731
        m.score = (
            m.code_tier
            + weights.TITLE_SHARE * share(m.title_found)
            + weights.SYMPTOM_SHARE * share(m.symptoms_found)
            + weights.TERM_SHARE * share(m.terms_found)
            + weights.DATABASE_SCORE * max(m.db_score, 0.0) / best_db
            + (weights.PHRASE if m.phrase else 0.0)
        )
    return sorted(matches, key=lambda m: (-m.score, m.entry_id))
