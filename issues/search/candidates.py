"""Rank-safe candidates: the entry the re-rank would put first among ALL matching
entries is always among those it scores.

The re-rank's score (ranking.score) is mostly structure: which share of the query's
terms an entry holds in its title, its symptoms, anywhere, and whether it holds the
whole query verbatim; the text score adds at most TEXT_SCORE. So the database is asked
for entries by *levels*, each a conjunction it can answer from its index ("every term
in the title", "every term in the symptoms", "every term", "every bigram of the
phrase"), in the order of the best score an entry of that level could reach (a static
upper bound). Each level is scored as it arrives; once the page's worth of entries
found are sure to score at least the bound of the next level, no entry left can
overtake them (a max-score stop rule) and the search stops. When the query's tokens are
rare enough that every entry holding any of them fits in POOL, all of them are read in
one go instead (exhaustive, hence rank-safe). See docs/search.md#candidates.
"""

import heapq
from itertools import product

from issues.search import weights
from issues.search.analyzer import Term
from issues.search.backends import get_backend

# Most entries one query may score before the stop rule gives up on proving safety
# (then the rest of the level is taken in index order, as before).
POOL = 300


def term_alternatives(term: Term) -> list[list[str]]:
    """Every way the re-rank counts the term as held (ranking._found): any one of its
    tokens, or every word of a synonym."""
    ways = [[token] for token in sorted(term.tokens)]
    ways += [sorted(words) for words in term.alternatives]
    return ways


def levels(core: list[Term], phrase_bigrams: set[str], phrase_counts: bool):
    """(upper bound, conditions) from the best reachable score down; conditions are
    (groups, fields) pairs, fields None meaning anywhere."""
    n = len(core)
    if not n:
        return []
    groups = [term_alternatives(term) for term in core]
    u = (n - 1) / n  # the share of an entry missing one term
    found = []
    for in_title, in_symptoms, everywhere, phrase in product((1, 0), repeat=4):
        if (in_title or in_symptoms or phrase) and not everywhere:
            continue  # each of these implies every term is held
        if phrase and not phrase_counts:
            continue
        bound = (
            weights.TITLE_SHARE * (1 if in_title else u)
            + weights.SYMPTOM_SHARE * (1 if in_symptoms else u)
            + weights.TERM_SHARE * (1 if everywhere else u)
            + weights.TEXT_SCORE
            + (weights.PHRASE if phrase else 0.0)
        )
        conditions = []
        if in_title:
            conditions.append((groups, ("title",)))
        if in_symptoms:
            conditions.append((groups, ("symptoms",)))
        if everywhere and not (in_title or in_symptoms):
            conditions.append((groups, None))
        if phrase and phrase_bigrams:
            conditions.append(([[[b]] for b in sorted(phrase_bigrams)], None))
        found.append((bound, conditions))
    return sorted(found, key=lambda level: -level[0])


def select(
    tokens,
    *,
    core,
    phrase_bigrams,
    phrase_counts,
    score_lower_bound,
    wanted=1,
    holders_at_most=None,
    **bounds,
):
    """Candidate ids, rank-safe when the levels up to the stop fit in POOL.

    ``score_lower_bound(ids)`` scores those entries with the re-rank and returns, for
    each that passes, a score it is sure to reach whatever else is found. The search
    stops once ``wanted`` entries (the page) are sure to outrank every entry left, so
    the page is the one an exhaustive re-rank would show, not only its first entry.
    ``holders_at_most``: an upper bound of the entries holding any of ``tokens`` (the
    sum of their document frequencies), when ``tokens`` cover every way a term can be
    held. ``bounds``: the backend's public_only and restrict. Returns (ids, proven):
    proven is False when POOL ran out first or the query's terms cannot be levelled.
    """
    backend = get_backend()
    if tokens and holders_at_most is not None and holders_at_most <= POOL:
        # Few entries hold any token: score them all (one query instead of a level
        # each). Counts can be a little stale between rebuilds, so check the answer.
        ids = backend.matching_any(tokens, limit=POOL + 1, **bounds)
        if len(ids) <= POOL:
            return ids, True
    chosen: list[int] = []
    seen: set[int] = set()
    best: list[float] = []  # the ``wanted`` highest sure scores found, lowest first

    def keep(scores):
        for value in scores:
            (heapq.heappush if len(best) < wanted else heapq.heappushpop)(best, value)

    keep(score_lower_bound([]))  # the entries of codes typed outrank every level
    for bound, conditions in levels(core, phrase_bigrams, phrase_counts) or [(None, [])]:
        if bound is not None and len(best) >= wanted and best[0] >= bound - 1e-9:
            return chosen, True
        room = POOL - len(chosen)
        if not conditions:  # unproven from here: as many as before, in index order
            room = min(room, weights.CANDIDATES)
        if conditions:
            ids = backend.matching_all(conditions, limit=room + len(seen) + 1, **bounds)
        elif tokens:  # the last level: entries holding any token, even too few terms
            ids = backend.matching_any(tokens, limit=room + len(seen) + 1, **bounds)
        else:
            ids = []
        new = [pk for pk in ids if pk not in seen]
        if len(new) > room:
            return chosen + new[:room], False
        chosen += new
        seen.update(new)
        if new:
            keep(score_lower_bound(new))
    return chosen, bool(core)  # every level read whole: all matching entries were scored
