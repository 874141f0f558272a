"""One search request as views and the API share it: validate, filter, search, correct, log."""

from dataclasses import dataclass, field

from django.core import signing
from django.http import HttpRequest, QueryDict
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from issues.search import analytics, spelling, weights
from issues.search.filters import FACETS, SearchEntryFilter
from issues.search.forms import SearchForm
from issues.search.models import SearchEntry, SearchLog
from issues.search.query import Outcome, Result, listed, search

BROWSE_LIMIT = 100
CLOSEST_LIMIT = 5
# A click may be recorded this long after the search that showed the result.
CLICK_TOKEN_MAX_AGE = 24 * 3600
_CLICK_SALT = "issues.search.click"


@dataclass
class SearchRequest:
    form: SearchForm
    filterset: SearchEntryFilter
    outcome: Outcome | None = None
    closest: Outcome | None = None
    # "Did you mean": a corrected query; ``corrected`` when its results are the ones shown
    # because the query as typed found nothing.
    did_you_mean: spelling.Correction | None = None
    corrected: bool = False
    log: SearchLog | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def readable_errors(self) -> list[str]:
        """The errors as the page shows them: by the field's label, the box's without one
        (``errors`` names the parameter, for API clients)."""
        readable = []
        for form in (self.form, self.filterset.form):
            for name, messages in form.errors.items():
                message = " ".join(messages)
                label = form.fields[name].label if name in form.fields else None
                if name == "q" or not label:
                    readable.append(message)
                else:
                    readable.append(
                        _("%(field)s: %(message)s") % {"field": label, "message": message}
                    )
        return readable

    @property
    def click_token(self) -> str:
        """Lets the reader who saw the results record which one they opened (and nobody else)."""
        return signing.dumps(self.log.pk, salt=_CLICK_SALT) if self.log else ""


def click_log_id(token: str) -> int | None:
    """The SearchLog a click token was issued for, or None when forged or expired."""
    try:
        return int(signing.loads(token, salt=_CLICK_SALT, max_age=CLICK_TOKEN_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def run_search(
    request: HttpRequest,
    *,
    form_class=SearchForm,
    limit: int = 20,
    source: str = SearchLog.Source.PAGE,
    log: bool = True,
    continues: int | None = None,
    closest_when_empty: bool = False,
    facet_counts: bool = False,
) -> SearchRequest:
    params, user = request.GET, request.user
    form = form_class(params)
    filterset = _filterset(params, request)
    searched = SearchRequest(form=form, filterset=filterset)
    # "field: message", so an API client knows which parameter to fix.
    if not form.is_valid():
        searched.errors += [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
    # The facet form is built (its choices read) only when a facet is asked for or
    # counted: most API calls and suggestions have none.
    faceted = facet_counts or any(params.get(name) for name in FACETS)
    if faceted and not filterset.is_valid():
        searched.errors.append(filterset.error_message())
    if searched.errors:
        return searched
    query = form.cleaned_data["q"]
    # The page size asked for, where the form has one (the API's ``limit``): the search
    # proves and makes snippets for that many results, no more.
    limit = form.cleaned_data.get("limit") or limit
    entries = filterset.qs if faceted and filterset.is_filtering else None
    searched.outcome, everything = _search(query, user=user, entries=entries, limit=limit)
    searched.did_you_mean = spelling.correct(query, user=user)
    if not searched.outcome.results and searched.did_you_mean:
        corrected, corrected_everything = _search(
            searched.did_you_mean.query, user=user, entries=entries, limit=limit
        )
        if corrected.results:
            # The box and the log keep what was typed (the gap report groups by it).
            corrected.query, corrected.normalized = query, searched.outcome.normalized
            searched.outcome, searched.corrected = corrected, True
            everything = corrected_everything
    if not searched.outcome.results and closest_when_empty:
        searched.closest = _closest(query, user=user, entries=entries)
    if facet_counts:
        # Over the matches without any facet; each facet counted with the others applied.
        searched.filterset.show_counts(everything.entry_ids)
    if log:
        searched.log = analytics.log_search(
            query=query,
            normalized_query=searched.outcome.normalized,
            result_count=searched.outcome.total,
            best_score=_best_score(searched.outcome),
            source=source,
            filters="&".join(f"{k}={params[k]}" for k in FACETS if params.get(k)),
            continues=continues,
        )
    return searched


def _closest(query: str, *, user, entries) -> Outcome:
    """Entries holding any of the query's words; failing that, the closest titles."""
    closest = search(
        query, user=user, entries=entries, limit=CLOSEST_LIMIT, min_share=weights.CLOSEST_TERM_SHARE
    )
    if closest.results or entries is not None:
        return closest
    return listed(query, spelling.closest_titles(query, user=user, limit=CLOSEST_LIMIT))


def _filterset(params: QueryDict, request: HttpRequest) -> SearchEntryFilter:
    return SearchEntryFilter(params, queryset=SearchEntry.objects.all(), request=request)


def _search(query: str, *, user, entries, limit: int) -> tuple[Outcome, Outcome]:
    """(The outcome shown, the same search without facets.) A facet only ever removes
    results: the filtered search judges "enough of the query" against the terms its
    unfiltered twin's matches hold, not the fewer its own candidates hold (which let an
    entry holding one word of three in through a product filter)."""
    everything = search(query, user=user, limit=limit)
    if entries is None:
        return everything, everything
    filtered = search(
        query, user=user, entries=entries, limit=limit, known_terms=everything.known_terms
    )
    return filtered, everything


def browse(request: HttpRequest) -> SearchRequest:
    """Facets without a query (product and tag links): list the entries."""
    filterset = _filterset(request.GET, request)
    searched = SearchRequest(form=SearchForm(), filterset=filterset)
    if not filterset.is_valid():
        searched.errors.append(filterset.error_message())
        return searched
    entries = (
        filterset.qs.visible_to(request.user)
        .select_related("product")
        .order_by("kind", "-popularity", "title")[:BROWSE_LIMIT]
    )
    outcome = Outcome(query="", normalized="")
    for entry in entries:
        summary = Truncator(entry.summary or entry.symptoms).chars(140)
        outcome.results.append(Result(entry=entry, score=0.0, exact_code=False, summary=summary))
    outcome.total = len(outcome.results)
    outcome.entry_ids = [entry.pk for entry in entries]
    searched.outcome = outcome
    filterset.show_counts(
        list(SearchEntry.objects.visible_to(request.user).values_list("pk", flat=True))
    )
    return searched


def _best_score(outcome) -> float | None:
    """How well the best result answers the query (gaps: weak results): its score, scaled
    down when it holds less than weights.WEAK_COVERAGE of what was typed (Outcome.coverage:
    视频会议卡顿 found by 会议 alone)."""
    if not outcome.results:
        return None
    score = outcome.results[0].score
    if outcome.coverage < weights.WEAK_COVERAGE:
        score *= outcome.coverage
    return round(score, 3)
