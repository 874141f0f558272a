"""JSON API: search, and the whole entry behind each result.

Bad input is a 400 with a JSON ``error`` message; a missing or hidden entry is a 404.
"""

from http import HTTPStatus

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from issues.markdown import render_markdown
from issues.models import ErrorCode, Issue, can_read_internal
from issues.search.forms import ApiSearchForm
from issues.search.models import SearchLog
from issues.search.service import run_search
from issues.selectors import error_code_for_page, issue_for_page

DEFAULT_LIMIT = 10


def _error(message: str, status: int = HTTPStatus.BAD_REQUEST) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def result_json(result) -> dict:
    entry = result.entry
    return {
        "type": entry.kind,
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
    # Suggestions while typing see partial queries ("扫", "扫码下"): not logged.
    suggest = request.GET.get("suggest") in ("1", "true")
    searched = run_search(
        request.GET,
        user=request.user,
        form_class=ApiSearchForm,
        source=SearchLog.Source.API,
        limit=50,
        log=not suggest,
    )
    if not searched.is_valid:
        return _error(" ".join(searched.errors))
    outcome = searched.outcome
    results = outcome.results[: searched.form.cleaned_data.get("limit") or DEFAULT_LIMIT]
    return JsonResponse(
        {
            "query": outcome.query,
            "count": outcome.total,
            "results": [result_json(r) for r in results],
            **({"log": searched.log.pk} if searched.log else {}),
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _markdown(text: str) -> dict:
    return {"markdown": text, "html": str(render_markdown(text))}


def _code_ref(code: ErrorCode) -> dict:
    return {
        "product": code.product.slug,
        "code": code.code,
        "constant": code.constant,
        "url": code.get_absolute_url(),
    }


def _issue_ref(issue: Issue) -> dict:
    return {"slug": issue.slug, "title": issue.title, "url": issue.get_absolute_url()}


@require_GET
def issue_detail_api(request, slug):
    try:
        issue = issue_for_page(slug=slug, user=request.user)
    except Http404:
        return _error("No such issue.", HTTPStatus.NOT_FOUND)
    causes = list(issue.causes.all())
    data = {
        "type": "issue",
        "id": issue.pk,
        "slug": issue.slug,
        "title": issue.title,
        "url": issue.get_absolute_url(),
        "product": {"slug": issue.product.slug, "name": issue.product.name},
        "status": issue.status,
        "visibility": issue.visibility,
        "summary": _markdown(issue.summary),
        "symptoms": [s.text for s in issue.symptoms.all()],
        "causes": [{"position": c.position, **_markdown(c.text)} for c in causes],
        "fixes": [
            {
                "position": f.position,
                "cause": next((i + 1 for i, c in enumerate(causes) if c.pk == f.cause_id), None),
                **_markdown(f.body),
            }
            for f in issue.fixes.all()
        ],
        "error_codes": [_code_ref(c) for c in issue.error_codes.all()],
        "tags": [{"slug": t.slug, "name": t.name} for t in issue.tags.all()],
        "related": [_issue_ref(r) for r in issue.related.all()],
        "source": issue.source,
        "published_at": issue.published_at,
        "updated_at": issue.updated_at,
        "last_verified_on": issue.last_verified_on,
    }
    if can_read_internal(request.user):
        data["internal_notes"] = _markdown(issue.internal_notes)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_GET
def code_detail_api(request, product, code):
    try:
        error_code = error_code_for_page(product_slug=product, code=code, user=request.user)
    except Http404:
        return _error("No such error code.", HTTPStatus.NOT_FOUND)
    data = {
        "type": "error_code",
        "id": error_code.pk,
        **_code_ref(error_code),
        "product_name": error_code.product.name,
        "description": error_code.description,
        "callbacks": error_code.callback_list(),
        "network_relation": error_code.network_relation,
        "network_related": error_code.is_network_related,
        "non_network_related": error_code.is_non_network_related,
        "fix": _markdown(error_code.fix),
        "issues": [_issue_ref(i) for i in error_code.issues.all()],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
