"""JSON detail of an issue and of an error code: the pages' content for programs.

The same reads as the reader pages (issues/selectors.py), so what a user may not
open as a page is a 404 here too. Search results are served by issues/search/api.py.
"""

from http import HTTPStatus

from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from issues.markdown import render_markdown
from issues.models import ErrorCode, Issue, can_read_internal
from issues.parts import cause_numbers
from issues.selectors import error_code_for_page, issue_for_page


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _json(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


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


def issue_json(issue: Issue, *, with_internal_notes: bool) -> dict:
    causes = list(issue.causes.all())
    cause_number = cause_numbers(causes)
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
                "cause": cause_number.get(f.cause_id),
                **_markdown(f.body),
            }
            for f in issue.fixes.all()
        ],
        "error_codes": [_code_ref(c) for c in issue.error_codes.all()],
        "tags": [{"slug": t.slug, "name": t.name} for t in issue.tags.all()],
        "related": [_issue_ref(r) for r in issue.related.all()],
        "published_at": issue.published_at,
        "updated_at": issue.updated_at,
        "last_verified_on": issue.last_verified_on,
    }
    if with_internal_notes:  # as the page: where a page came from is for staff
        data["internal_notes"] = _markdown(issue.internal_notes)
        data["source"] = issue.source
    return data


def error_code_json(error_code: ErrorCode) -> dict:
    return {
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


@require_GET
def issue_detail(request, slug):
    try:
        issue = issue_for_page(slug=slug, user=request.user)
    except Http404:
        return _error(gettext("No such issue."), HTTPStatus.NOT_FOUND)
    return _json(issue_json(issue, with_internal_notes=can_read_internal(request.user)))


@require_GET
def code_detail(request, product, code):
    try:
        error_code = error_code_for_page(product_slug=product, code=code, user=request.user)
    except Http404:
        return _error(gettext("No such error code."), HTTPStatus.NOT_FOUND)
    return _json(error_code_json(error_code))
