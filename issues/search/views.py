"""The search page and the click beacon. Thin: request.run_search does the work."""

from http import HTTPStatus

from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from issues.search import analytics
from issues.search.filters import FACETS, SearchEntryFilter, visible_products, visible_tags
from issues.search.forms import SearchForm
from issues.search.request import browse, click_log_id, run_search

PER_PAGE = 20
MAX_RESULTS = 100


@require_GET
def search_page(request):
    context = {
        "products": visible_products(request.user),
        "tags": visible_tags(request.user),
        "query": request.GET.get("q", "").strip(),
    }
    browsing = "q" not in request.GET and any(request.GET.get(name) for name in FACETS)
    if "q" not in request.GET and not browsing:  # the empty page: a box and ways to browse
        context.update(form=SearchForm(), filter=SearchEntryFilter(request=request))
        return render(request, "search/results.html", context)
    if browsing:  # product and tag links: every entry under the facet, no query
        searched = browse(request)
    else:
        searched = run_search(
            request, limit=MAX_RESULTS, closest_when_empty=True, facet_counts=True
        )
    filtering = searched.is_valid and searched.filterset.is_filtering
    context.update(
        browsing=browsing,
        searched=searched,
        form=searched.form,
        filter=searched.filterset,
        filtering=filtering,
    )
    if searched.outcome:
        page = Paginator(searched.outcome.results, PER_PAGE).get_page(request.GET.get("page"))
        context.update(page=page, click_token=searched.click_token)
    status = HTTPStatus.BAD_REQUEST if searched.errors else HTTPStatus.OK
    return render(request, "search/results.html", context, status=status)


@require_POST
def record_click(request):
    """Beacon from static/js/suggest.js; the result link itself goes straight to the page.

    The token comes with the results page (signed SearchLog id), so only the reader who
    saw the results can record a click, and only the first one counts.
    """
    return _record(request)


@csrf_exempt
@require_POST
def record_pick(request):
    """Beacon for a suggestion picked while typing (static/js/suggest.js).

    Header boxes sit on shared cached pages that carry no CSRF token; the signed token
    from the suggestion response is the proof instead (a forged request cannot have it),
    and all it can do is note one opened link of that one logged search.
    """
    return _record(request)


def _record(request):
    url = request.POST.get("url", "")
    log_id = click_log_id(request.POST.get("token", ""))
    try:
        position = int(request.POST["position"]) if request.POST.get("position") else None
    except ValueError:
        position = 0
    if log_id is None:
        return JsonResponse({"error": _("Unknown search.")}, status=HTTPStatus.BAD_REQUEST)
    if position is not None and not 1 <= position <= MAX_RESULTS:
        return JsonResponse(
            {"error": _("position must be a result number.")}, status=HTTPStatus.BAD_REQUEST
        )
    internal = url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not internal:
        return JsonResponse(
            {"error": _("Only links to this site are recorded.")}, status=HTTPStatus.BAD_REQUEST
        )
    if not analytics.record_click(log_id=log_id, url=url, position=position):
        return JsonResponse(
            {"error": _("This click was already recorded.")}, status=HTTPStatus.CONFLICT
        )
    return HttpResponse(status=HTTPStatus.NO_CONTENT)
