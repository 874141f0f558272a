"""Running a search: analyze the query, ask the database, re-rank, make snippets.

    outcome = search("登录报错2004", user=request.user)
    outcome.results  # best first; each with entry, score, snippet

``entries`` narrows the search (the facet FilterSet's queryset); visibility is
always applied: internal entries only for users who may read them.
"""

import unicodedata
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from issues.models import can_read_internal
from issues.search import codes, highlight, synonyms, weights
from issues.search import terms as search_terms
from issues.search.analyzer import Term, analyze_query
from issues.search.backends import get_backend
from issues.search.models import SearchEntry
from issues.search.ranking import Match, measure, passes, score

MAX_TOKENS = 64
TEXT_FIELDS = ("summary", "symptoms", "body")


@dataclass
class Result:
    entry: SearchEntry
    score: float
    exact_code: bool
    title_html: SafeString
    snippet_html: SafeString
    snippet: str

    @property
    def error_codes(self) -> list[str]:
        return self.entry.codes.split()


@dataclass
class Outcome:
    query: str
    normalized: str
    terms: list[Term] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    total: int = 0


def normalize_query(query: str) -> str:
    """The query as logged and grouped in reports: folded, single-spaced."""
    from issues.search.analyzer import fold

    return " ".join(fold(query).split())[:500]


def _query_tokens(terms: list[Term]) -> list[str]:
    tokens: list[str] = []
    for term in terms:  # the query's own words first: they matter most when capped
        tokens += sorted(term.tokens, key=lambda t: (t != term.surface, t))
    for term in terms:
        for words in term.alternatives:
            tokens += sorted(words)
    return list(dict.fromkeys(tokens))[:MAX_TOKENS]


def _selective(tokens: list[str]) -> list[str]:
    """The tokens worth asking the database for: not held by most entries.

    When every token is common, all are kept and MAX_SCORED bounds the work.
    """
    counts, total = search_terms.frequencies(tokens)
    ceiling = max(weights.COMMON_MIN_ENTRIES, weights.COMMON_SHARE * total)
    rare = [t for t in tokens if 0 < counts.get(t, 0) <= ceiling]
    if rare:
        return rare
    return sorted((t for t in tokens if counts.get(t, 0)), key=counts.get)[:8] or tokens


def _restriction(entries) -> tuple[str, tuple] | None:
    if entries is None:
        return None
    sql, params = entries.values("pk").query.sql_with_params()
    return sql, params


def search(
    query: str,
    *,
    user,
    entries=None,
    limit: int = 20,
    min_share: float = weights.MIN_TERM_SHARE,
) -> Outcome:
    folded, terms = analyze_query(query.replace("\u2212", "-"))
    synonyms.expand(folded, terms)
    outcome = Outcome(query=query, normalized=normalize_query(query), terms=terms)
    base = (entries if entries is not None else SearchEntry.objects.all()).visible_to(user)
    # Original text is heavy: loaded for the few results shown, not for every candidate.
    base = base.select_related("product").defer(*TEXT_FIELDS)

    code_query = codes.extract(unicodedata.normalize("NFKC", folded))
    tiers_by_code = codes.code_tiers(code_query)
    code_entries = {}
    if tiers_by_code or code_query.words:
        from django.db.models import Q

        for entry in base.filter(
            Q(error_code_id__in=tiers_by_code)
            | Q(constant_key__in=code_query.words, kind="error_code")
        ):
            code_entries[entry.pk] = entry

    candidates = get_backend().search(
        _selective(_query_tokens(terms)),
        public_only=not can_read_internal(user),
        restrict=_restriction(entries),
        limit=weights.CANDIDATES,
        max_scored=weights.MAX_SCORED,
    )
    db_scores = dict(candidates)
    loaded = {e.pk: e for e in base.filter(pk__in=db_scores)} | code_entries

    exact_code_ids = set(tiers_by_code) | {
        e.error_code_id for e in code_entries.values() if e.constant_key in code_query.words
    }
    explaining = _issues_explaining(exact_code_ids)
    phrase = _compact(folded)
    # Lone Chinese characters ("后", "再") are searched (as bigrams with their neighbours)
    # but do not count when judging how much of the query an entry covers.
    core = [t for t in terms if not t.is_single_character] or terms
    measured = []
    for pk, entry in loaded.items():
        match = Match(entry_id=pk, db_score=db_scores.get(pk, 0.0))
        if entry.error_code_id in exact_code_ids:
            match.code_tier = (
                weights.EXACT_CONSTANT
                if entry.constant_key and entry.constant_key in code_query.words
                else tiers_by_code.get(entry.error_code_id, 0.0)
            )
        measure(match, core, entry.field_tokens())
        if entry.issue_id in explaining and match.terms_found:
            match.code_tier = weights.EXPLAINS_EXACT_CODE
        measured.append(match)

    # A verbatim phrase implies every term was found: only those entries are read.
    if len(phrase) >= weights.PHRASE_MIN_CHARS:
        complete = [m for m in measured if m.terms_found == len(core)]
        _load_texts(loaded, [m.entry_id for m in complete])
        for match in complete:
            match.phrase = phrase in _entry_text(loaded[match.entry_id])

    # Terms no candidate holds cannot tell entries apart: they do not count in the share.
    known_terms = len(set().union(*(m.found_terms for m in measured)))
    matches = [m for m in measured if passes(m, known_terms, min_share)]
    ranked = score(matches, known_terms)
    outcome.total = len(ranked)
    _load_texts(loaded, [m.entry_id for m in ranked[:limit]])
    for match in ranked[:limit]:
        entry = loaded[match.entry_id]
        needles = highlight.highlight_needles(
            {t.surface for t in core if t.tokens & match.matched_tokens} | match.matched_tokens
        )
        html, plain = highlight.snippet(_snippet_sources(entry), needles)
        outcome.results.append(
            Result(
                entry=entry,
                score=round(match.score, 3),
                exact_code=match.code_tier >= weights.EXACT_UNSIGNED_CODE,
                title_html=highlight.highlight(entry.title, needles),
                snippet_html=html,
                snippet=plain,
            )
        )
    return outcome


def _issues_explaining(code_ids: set[int]) -> set[int]:
    if not code_ids:
        return set()
    from issues.models import ErrorCode

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


def _load_texts(loaded: dict[int, SearchEntry], ids: list[int]) -> None:
    """Fill the deferred original text of these entries in one query."""
    missing = [pk for pk in ids if "body" not in loaded[pk].__dict__]
    if not missing:
        return
    rows = SearchEntry.objects.filter(pk__in=missing).values_list("pk", *TEXT_FIELDS)
    for pk, *values in rows:
        for name, value in zip(TEXT_FIELDS, values, strict=True):
            setattr(loaded[pk], name, value)


def _entry_text(entry: SearchEntry) -> str:
    from issues.search.analyzer import fold

    return _compact(fold(" ".join((entry.title, entry.summary, entry.symptoms, entry.body))))
