"""One search request as views and the API share it: validate, filter, search, log."""

from dataclasses import dataclass, field

from django.http import QueryDict

from issues.search import analytics
from issues.search.filters import SearchEntryFilter
from issues.search.forms import SearchForm
from issues.search.models import SearchEntry, SearchLog
from issues.search.query import Outcome, search

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
        request.closest = search(query, user=user, entries=entries, limit=5, min_share=0.0)
    if log:
        request.log = analytics.log_search(
            query=query,
            normalized_query=request.outcome.normalized,
            result_count=request.outcome.total,
            source=source,
            filters="&".join(f"{k}={params[k]}" for k in FACETS if params.get(k)),
        )
    return request
