"""One search request as views and the API share it: validate, filter, search, log."""

from dataclasses import dataclass, field

from django.http import QueryDict

from issues.search import analytics, weights
from issues.search.filters import SearchEntryFilter
from issues.search.forms import SearchForm
from issues.search.models import SearchEntry, SearchLog
from issues.search.query import Outcome, Result, search

FACETS = ("product", "tag", "network", "type")


@dataclass
class SearchRequest:
    form: SearchForm
    filterset: SearchEntryFilter
    outcome: Outcome | None = None
    closest: Outcome | None = None
    log: SearchLog | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def run_search(
    params: QueryDict,
    *,
    user,
    form_class=SearchForm,
    limit: int = 20,
    source: str = SearchLog.Source.PAGE,
    log: bool = True,
    closest_when_empty: bool = False,
) -> SearchRequest:
    form = form_class(params)
    filterset = SearchEntryFilter(params, queryset=SearchEntry.objects.all())
    request = SearchRequest(form=form, filterset=filterset)
    # "field: message", so an API client knows which parameter to fix.
    if not form.is_valid():
        request.errors += [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
    if not filterset.is_valid():
        request.errors.append(filterset.error_message())
    if request.errors:
        return request
    query = form.cleaned_data["q"]
    entries = filterset.qs if filterset.is_filtering else None
    request.outcome = search(query, user=user, entries=entries, limit=limit)
    if not request.outcome.results and closest_when_empty:
        request.closest = search(
            query, user=user, entries=entries, limit=5, min_share=weights.CLOSEST_TERM_SHARE
        )
    if log:
        request.log = analytics.log_search(
            query=query,
            normalized_query=request.outcome.normalized,
            result_count=request.outcome.total,
            source=source,
            filters="&".join(f"{k}={params[k]}" for k in FACETS if params.get(k)),
        )
    return request


BROWSE_LIMIT = 100


def browse(params: QueryDict, *, user) -> SearchRequest:
    """Facets without a query (the home page's product and tag links): list the entries."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe
    from django.utils.text import Truncator

    filterset = SearchEntryFilter(params, queryset=SearchEntry.objects.all())
    request = SearchRequest(form=SearchForm(), filterset=filterset)
    if not filterset.is_valid():
        request.errors.append(filterset.error_message())
        return request
    entries = (
        filterset.qs.visible_to(user)
        .select_related("product")
        .order_by("kind", "-popularity", "title")[:BROWSE_LIMIT]
    )
    outcome = Outcome(query="", normalized="")
    for entry in entries:
        summary = Truncator(entry.summary or entry.symptoms).chars(140)
        outcome.results.append(
            Result(
                entry=entry,
                score=0.0,
                exact_code=False,
                title_html=mark_safe(escape(entry.title)),  # noqa: S308 - escaped
                snippet_html=mark_safe(escape(summary)),  # noqa: S308 - escaped
                snippet=summary,
            )
        )
    outcome.total = len(outcome.results)
    request.outcome = outcome
    return request
