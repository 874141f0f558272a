"""JSON search API: ``/api/search/?q=…`` (the issue and code detail live in issues/api.py).

Bad input is a 400 with a JSON ``error`` message naming the parameter to fix.
"""

from http import HTTPStatus

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_GET

from issues.search.forms import ApiSearchForm
from issues.search.models import SearchLog
from issues.search.request import click_log_id, run_search

DEFAULT_LIMIT = 10
# What a result is, in the reader's language (as the results page labels it).
_KIND_LABELS = {
    "issue": lambda: gettext("Issue"),
    "error_code": lambda: gettext("Error code"),
    "flow": lambda: pgettext("search result kind", "Guided diagnosis"),
}


def result_json(result, *, suggest: bool = False) -> dict:
    entry = result.entry
    # Suggestions also get the title in pieces, the matches marked, for the box to show.
    extra = {"title_pieces": result.title_pieces} if suggest else {}
    return {
        **extra,
        "type": entry.kind,
        "type_label": _KIND_LABELS[entry.kind](),  # "逐步排查" / "Guided diagnosis" for a flow
        "id": entry.object_id,
        "title": entry.title,
        "url": entry.url,
        "product": entry.product.slug,
        "error_codes": result.error_codes,
        "snippet": result.snippet,
        "score": result.score,
    }


@require_GET
def search_api(request):
    # Suggestions while typing see partial queries ("扫", "扫码下"): a typing session keeps
    # one row (its last query), continued through the token of the previous response.
    suggest = request.GET.get("suggest") in ("1", "true")
    searched = run_search(
        request,
        form_class=ApiSearchForm,
        source=SearchLog.Source.SUGGEST if suggest else SearchLog.Source.API,
        limit=DEFAULT_LIMIT,  # or the ``limit`` asked for (ApiSearchForm)
        continues=click_log_id(request.GET.get("token", "")) if suggest else None,
    )
    if not searched.is_valid:
        return JsonResponse({"error": " ".join(searched.errors)}, status=HTTPStatus.BAD_REQUEST)
    outcome = searched.outcome
    results = outcome.results
    return JsonResponse(
        {
            "query": outcome.query,
            "count": outcome.total,
            "results": [result_json(r, suggest=suggest) for r in results],
            **({"click_token": searched.click_token} if searched.log else {}),
            **({"pick_url": reverse("search:pick")} if suggest and searched.log else {}),
            **({"did_you_mean": searched.did_you_mean.query} if searched.did_you_mean else {}),
            **({"corrected": True} if searched.corrected else {}),
        },
        json_dumps_params={"ensure_ascii": False},
    )
