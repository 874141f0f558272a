"""The search page and the click beacon. Thin: request.run_search does the work."""

from http import HTTPStatus

from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from issues.models import Product, Tag
from issues.search import analytics
from issues.search.filters import SearchEntryFilter
from issues.search.forms import SearchForm
from issues.search.request import FACETS, browse, run_search

PER_PAGE = 20
MAX_RESULTS = 100


@require_GET
def search_page(request):
    context = {"products": Product.objects.all(), "tags": Tag.objects.all()}
    browsing = "q" not in request.GET and any(request.GET.get(name) for name in FACETS)
    if "q" not in request.GET and not browsing:  # the empty page: a box and ways to browse
        context.update(form=SearchForm(), filter=SearchEntryFilter())
        return render(request, "search/results.html", context)
    if browsing:  # product and tag links: every entry under the facet, no query
        searched = browse(request.GET, user=request.user)
    else:
        searched = run_search(
            request.GET, user=request.user, limit=MAX_RESULTS, closest_when_empty=True
        )
    context["browsing"] = browsing
    context.update(searched=searched, form=searched.form, filter=searched.filterset)
    if searched.outcome:
        page = Paginator(searched.outcome.results, PER_PAGE).get_page(request.GET.get("page"))
        context.update(page=page, log_id=searched.log.pk if searched.log else None)
    status = HTTPStatus.BAD_REQUEST if searched.errors else HTTPStatus.OK
    return render(request, "search/results.html", context, status=status)


@require_POST
def record_click(request):
    """Beacon from static/js/suggest.js; the result link itself goes straight to the page."""
    url = request.POST.get("url", "")
    try:
        log_id = int(request.POST.get("log", ""))
        position = int(request.POST["position"]) if request.POST.get("position") else None
    except ValueError:
        log_id, position = 0, None
    if log_id < 1 or (position is not None and not 1 <= position <= MAX_RESULTS):
        return JsonResponse({"error": _("log and position must be result numbers.")}, status=400)
    internal = url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not internal:
        return JsonResponse({"error": _("Only links to this site are recorded.")}, status=400)
    if not analytics.record_click(log_id=log_id, url=url, position=position):
        return JsonResponse({"error": _("Unknown search.")}, status=HTTPStatus.NOT_FOUND)
    return HttpResponse(status=HTTPStatus.NO_CONTENT)
