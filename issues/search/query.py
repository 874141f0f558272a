"""Running a search: analyze the query, ask the database, re-rank, make snippets.

    outcome = search("登录报错2004", user=request.user)
    outcome.results  # best first; each with entry, score, snippet

``entries`` narrows the search (the facet FilterSet's queryset); visibility is
always applied: internal entries only for users who may read them.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from issues.models import ErrorCode, can_read_internal
from issues.search import candidates, code_lookup, highlight, synonyms, weights
from issues.search import terms as search_terms
from issues.search.analyzer import Term, analyze_query, bigrams, fold
from issues.search.backends.base import FIELDS
from issues.search.models import BestBet, SearchEntry
from issues.search.ranking import (
    Match,
    completeness,
    frequencies,
    idf,
    measure,
    passes,
    saturated,
    score,
    structure,
    text_ceiling,
    weighted_length,
)
from issues.search.terms import average_length as terms_average

MAX_TOKENS = 64
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass
class Result:
    """One result. Its highlighted title and snippet are made when first read: the page
    holds up to a hundred results but shows twenty, the API only the ``limit`` asked."""

    entry: SearchEntry
    score: float
    exact_code: bool
    needles: list[str] = field(default_factory=list)  # what to mark (highlight_needles)
    # Browsing shows the summary as written, unmarked, in place of a snippet.
    summary: str | None = None

    @property
    def error_codes(self) -> list[str]:
        return self.entry.codes.split()

    @cached_property
    def title_html(self) -> SafeString:
        return highlight.highlight(self.entry.title, self.needles)

    @cached_property
    def title_pieces(self) -> list[tuple[str, bool]]:  # (text, is_match)
        return highlight.pieces(self.entry.title, self.needles)

    @cached_property
    def _snippet(self) -> tuple[SafeString, str]:
        if self.summary is not None:
            return mark_safe(escape(self.summary)), self.summary  # noqa: S308 - escaped
        return highlight.snippet(_snippet_sources(self.entry), self.needles)

    @property
    def snippet_html(self) -> SafeString:
        return self._snippet[0]

    @property
    def snippet(self) -> str:
        return self._snippet[1]


@dataclass
class Outcome:
    query: str
    normalized: str
    terms: list[Term] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    total: int = 0
    entry_ids: list[int] = field(default_factory=list)  # every match, best first (facet counts)
    # How much of what was typed the best result holds (0-1, ranking.completeness): a term
    # counts as found by any of its tokens, so "视频会议" is found by 会议 alone.
    coverage: float = 1.0
    # How many of the query's terms the matches' share was judged against (ranking.passes).
    known_terms: int = 0


def normalize_query(query: str) -> str:
    """The query as logged and grouped in reports: folded, single-spaced."""
    return " ".join(fold(query).split())[:500]


def _query_tokens(terms: list[Term]) -> list[str]:
    tokens: list[str] = []
    for term in terms:  # the query's own words first: they matter most when capped
        tokens += sorted(term.tokens, key=lambda t: (t != term.surface, t))
    for term in terms:
        for words in term.alternatives:
            tokens += sorted(words)
    return list(dict.fromkeys(tokens))[:MAX_TOKENS]


def _term_tokens(terms: list[Term]) -> list[str]:
    return [
        *{t for term in terms for t in term.tokens},
        *{t for term in terms for words in term.alternatives for t in words},
    ]


def _restriction(entries) -> tuple[str, tuple] | None:
    if entries is None:
        return None
    sql, params = entries.values("pk").query.sql_with_params()
    return sql, params


# What the re-rank reads of each candidate: ids and analyzed tokens, never the text.
_CANDIDATE_FIELDS = (
    "pk",
    "kind",
    "issue_id",
    "error_code_id",
    "constant_key",
    "title_tokens",
    "symptom_tokens",
    "code_tokens",
    "body_tokens",
    "meta_tokens",
)
_TOKEN_COLUMNS = _CANDIDATE_FIELDS[5:]
_PHRASE_FIELDS = ("pk", "title", "summary", "symptoms", "body")


@dataclass
class _Candidate:
    """One entry as the re-rank sees it: a plain row, no model instance."""

    pk: int
    kind: str
    issue_id: int | None
    error_code_id: int | None
    constant_key: str
    fields: dict[str, list[str]]  # tokens per field (backends.base.FIELDS), repeats kept

    @classmethod
    def from_row(cls, row) -> "_Candidate":
        pk, kind, issue_id, error_code_id, constant_key, *texts = row
        fields = {name: text.split() for name, text in zip(FIELDS, texts, strict=True)}
        return cls(pk, kind, issue_id, error_code_id, constant_key, fields)

    def field_tokens(self) -> dict[str, set[str]]:
        return {name: set(tokens) for name, tokens in self.fields.items()}


@dataclass
class _Query:
    """The query as every later step reads it: analyzed once."""

    folded: str
    terms: list[Term]
    # Lone Chinese characters ("后", "再") are searched (as bigrams with their neighbours)
    # but do not count when judging how much of the query an entry covers.
    core: list[Term]
    tokens: list[str]
    codes: code_lookup.CodeQuery
    code_tiers: dict[int, float] = field(default_factory=dict)  # ErrorCode id → tier
    # Candidate rows read once per search (by _load), and the entries of the codes typed.
    loaded: dict[int, "_Candidate"] = field(default_factory=dict)
    code_entries: set[int] = field(default_factory=set)
    # Each entry measured once per search (_measure), whether the candidate search or
    # the final ranking asks first; and which entries hold the phrase (_mark_phrases).
    measured: dict[int, "_Measured"] = field(default_factory=dict)
    phrases: dict[int, bool] = field(default_factory=dict)
    idfs: dict[str, float] = field(default_factory=dict)
    exact_code_ids: set[int] | None = None
    explaining: set[int] = field(default_factory=set)

    @property
    def phrase(self) -> str:
        return _compact(self.folded)

    @cached_property  # read for every candidate measured
    def phrase_bigrams(self) -> set[str]:
        return {b for run in _HAN_RUN.findall(self.folded) for b in bigrams(run)}

    def names_constant(self, candidate: _Candidate) -> bool:
        return bool(candidate.constant_key) and candidate.constant_key in self.codes.words


@dataclass
class _Measured:
    """What of one entry's score depends on the entry alone: its structure (the Match's
    terms found and code tier) and its text frequencies; the text score itself needs
    the average length, kept apart."""

    match: Match
    frequencies: dict[str, float]
    length: float


def search(
    query: str,
    *,
    user,
    entries=None,
    limit: int = 20,
    min_share: float = weights.MIN_TERM_SHARE,
    known_terms: int | None = None,
) -> Outcome:
    """``known_terms``: judge "enough of the query" against this many terms instead of
    those the candidates hold (a filtered search passes its unfiltered twin's, so a
    facet only ever removes results)."""
    analyzed = _analyze(query)
    outcome = Outcome(query=query, normalized=normalize_query(query), terms=analyzed.terms)
    counts, total = _frequencies(analyzed)
    candidate_ids = _candidate_ids(
        analyzed, counts, total, user=user, entries=entries, wanted=limit
    )
    base = (entries if entries is not None else SearchEntry.objects.all()).visible_to(user)
    loaded = _load(analyzed, candidate_ids, base)
    measured = _measure(analyzed, loaded, counts, total)
    if known_terms is None:
        known_terms = _known_terms(measured)
    outcome.known_terms = known_terms
    ranked = _rank(analyzed, measured, known_terms, min_share=min_share, limit=limit)
    ranked = _pin_best_bet(query, ranked, base)
    outcome.total = len(ranked)
    outcome.entry_ids = [m.entry_id for m in ranked]
    outcome.results = _results(analyzed, ranked[:limit])
    if ranked:
        outcome.coverage = completeness(ranked[0], analyzed.core)
    return outcome


def _frequencies(analyzed: _Query) -> tuple[dict[str, int], int]:
    """The document frequencies of the query's tokens and the index's length statistic."""
    tokens = {*analyzed.tokens, *_term_tokens(analyzed.core), search_terms.LENGTH}
    return search_terms.frequencies(list(tokens))


def _analyze(query: str) -> _Query:
    """Terms, synonyms, tokens and the error codes the query names."""
    folded, terms = analyze_query(query.replace("\u2212", "-"))
    synonyms.expand(folded, terms)
    codes = code_lookup.extract(unicodedata.normalize("NFKC", folded))
    return _Query(
        folded=folded,
        terms=terms,
        core=[t for t in terms if not t.is_single_character] or terms,
        tokens=_query_tokens(terms),
        codes=codes,
        code_tiers=code_lookup.code_tiers(codes),
    )


def _candidate_ids(
    analyzed: _Query, counts, total: int, *, user, entries, wanted: int
) -> list[int]:
    """The database's candidates, rank-safe: asked for by levels in the order of the
    best score their entries could reach, and scored until nothing left can overtake
    the best found (candidates.select). Entries of issues explaining a typed code
    score above any level, so they are always candidates."""
    base = (entries if entries is not None else SearchEntry.objects.all()).visible_to(user)
    # Terms no entry holds cannot count in the share (ranking.passes): leave them out.
    known = [term for term in analyzed.core if _held_somewhere(term, counts)]
    phrase_bigrams = analyzed.phrase_bigrams
    # With the index's average length, an entry's text score is final once measured, and
    # its share of TEXT_SCORE is at least text / ceiling, whatever the best text found
    # later (ranking.score scales by it, and no entry's text reaches the ceiling). Without
    # it, the text score changes with the set, and only the structure is certain.
    ceiling = text_ceiling(_idfs(analyzed, counts, total), counts)
    certain = terms_average(counts, total) is not None and ceiling > 0

    def lower_bound(ids: list[int]) -> list[float]:
        measured = _measure(analyzed, _load(analyzed, ids, base), counts, total)
        matches = [m for m in measured if passes(m, len(known), weights.MIN_TERM_SHARE)]
        if len(analyzed.phrase) >= weights.PHRASE_MIN_CHARS:
            _mark_phrases(
                matches, analyzed.phrase, analyzed.core, len(known), wanted, analyzed.phrases
            )
        return [
            structure(m, len(known))
            + (m.weight * weights.TEXT_SCORE * m.text_score / ceiling if certain else 0.0)
            for m in matches
        ]

    ids, _proven = candidates.select(
        analyzed.tokens,
        holders_at_most=_holders_at_most(analyzed, known, counts),
        core=known,
        phrase_bigrams=phrase_bigrams,
        phrase_counts=len(analyzed.phrase) >= weights.PHRASE_MIN_CHARS,
        score_lower_bound=lower_bound,
        wanted=max(wanted, 1),
        public_only=not can_read_internal(user),
        restrict=_restriction(entries),
    )
    return ids + _explaining_entries(analyzed, base)


def _holders_at_most(analyzed: _Query, known: list[Term], counts) -> int | None:
    """How many entries at most hold any of the query's tokens (the sum of their document
    frequencies); None when the tokens were capped (MAX_TOKENS) and miss some way a term
    is held, so reading the entries holding them would not be exhaustive."""
    if not set(_term_tokens(known)) <= set(analyzed.tokens):
        return None
    return sum(counts.get(token, 0) for token in analyzed.tokens)


def _held_somewhere(term: Term, counts) -> bool:
    return any(counts.get(token, 0) for token in term.tokens) or any(
        all(counts.get(word, 0) for word in words) for words in term.alternatives
    )


def _explaining_entries(analyzed: _Query, base) -> list[int]:
    if not (analyzed.code_tiers or analyzed.codes.words):
        return []
    code_ids = set(analyzed.code_tiers) | set(
        SearchEntry.objects.filter(
            kind=SearchEntry.Kind.ERROR_CODE, constant_key__in=analyzed.codes.words
        ).values_list("error_code_id", flat=True)
    )
    return list(base.filter(issue_id__in=_issues_explaining(code_ids)).values_list("pk", flat=True))


def _load(analyzed: _Query, candidate_ids: list[int], base) -> dict[int, _Candidate]:
    """The candidates' tokens, and the entries of the codes typed, in one query."""
    wanted = Q(pk__in=candidate_ids)
    if analyzed.code_tiers or analyzed.codes.words:
        wanted |= Q(error_code_id__in=analyzed.code_tiers) | Q(
            constant_key__in=analyzed.codes.words, kind=SearchEntry.Kind.ERROR_CODE
        )
    # Rows read while choosing the candidates (candidates.select) are not read again.
    cache, asked = analyzed.loaded, set(candidate_ids)
    wanted &= ~Q(pk__in=[pk for pk in candidate_ids if pk in cache])
    for row in base.filter(wanted).values_list(*_CANDIDATE_FIELDS):
        cache[row[0]] = _Candidate.from_row(row)
        if row[0] not in asked:
            analyzed.code_entries.add(row[0])
    return {pk: cache[pk] for pk in [*candidate_ids, *analyzed.code_entries] if pk in cache}


def _idfs(analyzed: _Query, counts, total: int) -> dict[str, float]:
    if not analyzed.idfs:
        analyzed.idfs = {token: idf(counts.get(token, 0), total) for token in analyzed.tokens}
    return analyzed.idfs


def _measure(analyzed: _Query, loaded: dict[int, _Candidate], counts, total: int) -> list[Match]:
    """How well each candidate answers: text score, code tier, terms found where.

    Each entry is measured once per search (the candidate search and the ranking both
    ask); only the text score is recomputed when the index's average length is unknown,
    as it then depends on the set measured.
    """
    idfs = _idfs(analyzed, counts, total)
    if analyzed.exact_code_ids is None:  # the first set loaded holds every code typed (_load)
        analyzed.exact_code_ids = set(analyzed.code_tiers) | {
            c.error_code_id
            for c in loaded.values()
            if c.kind == SearchEntry.Kind.ERROR_CODE and analyzed.names_constant(c)
        }
        analyzed.explaining = _issues_explaining(analyzed.exact_code_ids)
    measured = [
        analyzed.measured.get(pk) or _measure_one(analyzed, pk, candidate, idfs)
        for pk, candidate in loaded.items()
    ]
    average_length = terms_average(counts, total) or (
        sum(m.length for m in measured) / len(measured) if measured else 1.0
    )
    for one in measured:
        one.match.text_score = saturated(one.frequencies, idfs, one.length, average_length)
    return [one.match for one in measured]


def _measure_one(analyzed: _Query, pk: int, candidate: _Candidate, idfs) -> _Measured:
    match = Match(entry_id=pk, weight=weights.KIND_WEIGHT.get(candidate.kind, 1.0))
    field_tokens = candidate.field_tokens()
    held = set().union(*field_tokens.values())
    found = frequencies(candidate.fields, field_tokens, idfs.keys() & held)
    if candidate.error_code_id in analyzed.exact_code_ids:
        match.code_tier = (
            weights.EXACT_CONSTANT
            if analyzed.names_constant(candidate)
            else analyzed.code_tiers.get(candidate.error_code_id, 0.0)
        )
    measure(match, analyzed.core, field_tokens)
    match.may_hold_phrase = analyzed.phrase_bigrams <= held
    if candidate.issue_id in analyzed.explaining and match.terms_found:
        match.code_tier = weights.EXPLAINS_EXACT_CODE
    one = _Measured(match, found, weighted_length(candidate.fields))
    analyzed.measured[pk] = one
    return one


def _known_terms(measured: list[Match]) -> int:
    """Terms no candidate holds cannot tell entries apart: they do not count in the share."""
    return len(set().union(*(m.found_terms for m in measured)))


def _rank(
    analyzed: _Query, measured: list[Match], known_terms: int, *, min_share: float, limit: int
) -> list[Match]:
    """The candidates that answer enough of the ``known_terms``, best first."""
    matches = [m for m in measured if passes(m, known_terms, min_share)]
    if len(analyzed.phrase) >= weights.PHRASE_MIN_CHARS:
        _mark_phrases(matches, analyzed.phrase, analyzed.core, known_terms, limit, analyzed.phrases)
    return score(matches, known_terms)


def _pin_best_bet(query: str, ranked: list[Match], base) -> list[Match]:
    """The entry editors pinned for exactly this query first (when this reader may see it
    and it is within the filters), above every score, found by the query or not."""
    bet = BestBet.objects.for_query(query).values_list("issue_id", "error_code_id")[:1]
    if not bet:
        return ranked
    issue_id, error_code_id = bet[0]
    wanted = Q(issue_id=issue_id) if issue_id else Q(error_code_id=error_code_id)
    pinned = base.filter(wanted).values_list("pk", flat=True).first()
    if pinned is None:
        return ranked
    top = max((m.score for m in ranked), default=0.0)
    match = next((m for m in ranked if m.entry_id == pinned), None) or Match(entry_id=pinned)
    match.score = top + weights.BEST_BET
    return [match, *(m for m in ranked if m.entry_id != pinned)]


def listed(query: str, entry_ids: list[int]) -> Outcome:
    """Entries found another way (closest titles), in the given order, shown like results."""
    outcome = Outcome(query=query, normalized=normalize_query(query), total=len(entry_ids))
    outcome.entry_ids = list(entry_ids)
    outcome.results = _results(_analyze(query), [Match(entry_id=pk) for pk in entry_ids])
    return outcome


def _results(analyzed: _Query, page: list[Match]) -> list[Result]:
    """The page shown: each entry's text, highlighted, with a snippet."""
    shown = (
        SearchEntry.objects.select_related("product")
        .defer(*_TOKEN_COLUMNS)  # the page shows text; the tokens were read already
        .in_bulk([m.entry_id for m in page])
    )
    results = []
    for match in page:
        needles = highlight.highlight_needles(
            {t.surface for t in analyzed.core if t.tokens & match.matched_tokens}
            | match.matched_tokens
        )
        results.append(
            Result(
                entry=shown[match.entry_id],
                score=round(match.score, 3),
                exact_code=match.code_tier >= weights.EXACT_UNSIGNED_CODE,
                needles=needles,
            )
        )
    return results


def _mark_phrases(
    matches: list[Match], phrase: str, core, known_terms: int, limit: int, known: dict[int, bool]
) -> None:
    """Set ``phrase`` on the entries holding the whole query verbatim.

    A verbatim phrase implies every term was found and, since every pair of adjacent
    Chinese characters is indexed, that each such pair of the query is among the
    entry's tokens (``may_hold_phrase``). The bonus only matters to an entry it can
    lift onto the page shown: the ``limit``-th best score without any bonus is a floor
    no entry below ``floor - PHRASE`` can reach. Only the entries left have their text
    read and folded (once per search: ``known`` keeps the answers), which the order never
    depends on.
    """
    complete = [m for m in matches if m.terms_found == len(core) and m.may_hold_phrase]
    if not complete:
        return
    score(matches, known_terms)  # scores without the bonus (phrase is still False)
    best = sorted((m.score for m in matches), reverse=True)
    floor = best[limit - 1] if 0 < limit <= len(best) else float("-inf")
    hopeful = {m.entry_id: m for m in complete if m.score + weights.PHRASE >= floor - 1e-9}
    if not hopeful:
        return
    unread = [pk for pk in hopeful if pk not in known]
    if unread:
        rows = SearchEntry.objects.filter(pk__in=unread).values_list(*_PHRASE_FIELDS)
        for pk, *texts in rows:
            known[pk] = phrase in _compact(fold(" ".join(texts)))
    for pk, match in hopeful.items():
        match.phrase = known.get(pk, False)


def _issues_explaining(code_ids: set[int]) -> set[int]:
    if not code_ids:
        return set()
    return set(
        ErrorCode.issues.through.objects.filter(errorcode_id__in=code_ids).values_list(
            "issue_id", flat=True
        )
    )


def _snippet_sources(entry: SearchEntry) -> list[str]:
    """Where a snippet may come from, in order of preference on equal hits."""
    if entry.kind == SearchEntry.Kind.ERROR_CODE:  # what the code means, then its fix
        return [entry.summary, entry.body, entry.symptoms]
    return [entry.symptoms, entry.summary, entry.body]


def _compact(text: str) -> str:
    return "".join(text.split())
