"""POST /api/probes/run/: run a checklist or a list of targets, answer with the results.

Session-authenticated like the rest of the site, so Django's CSRF protection
applies: callers send the csrftoken cookie's value in X-CSRFToken.
"""

import json
from http import HTTPStatus

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from kbsite.ratelimit import RateLimited
from probes.access import can_run_probes
from probes.models import Checklist
from probes.serializers import run_full
from probes.services import ProbeRequestError, probe_run_create, probe_run_execute

MAX_BODY = 64 * 1024


def _error(message: str, status: HTTPStatus, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _parse(request) -> dict:
    if len(request.body) > MAX_BODY:
        raise ProbeRequestError("request body too large")
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProbeRequestError(f"the body is not valid JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise ProbeRequestError(
            'send a JSON object: {"checklist": slug, "params": {…}} or {"targets": [...]}'
        )
    unknown = set(payload) - {"checklist", "params", "targets", "timeout"}
    if unknown:
        raise ProbeRequestError(f"unknown field(s): {', '.join(sorted(unknown))}")
    return payload


def _run_arguments(payload: dict) -> dict:
    arguments = {"timeout": payload.get("timeout"), "params": payload.get("params")}
    slug = payload.get("checklist")
    targets = payload.get("targets") or []
    if slug is not None:
        if not isinstance(slug, str):
            raise ProbeRequestError("checklist must be a slug")
        checklist = Checklist.objects.filter(slug=slug).first()
        if checklist is None:
            raise ProbeRequestError(f"no checklist {slug!r}")
        arguments["checklist"] = checklist
    if not isinstance(targets, list):
        raise ProbeRequestError("targets must be a list")
    arguments["targets"] = targets
    return arguments


@require_POST
def run(request):
    if not request.user.is_authenticated:
        return _error("authentication required", HTTPStatus.UNAUTHORIZED)
    if not can_run_probes(request.user):
        return _error("the run probes permission is required", HTTPStatus.FORBIDDEN)
    try:
        arguments = _run_arguments(_parse(request))
        probe_run = probe_run_create(user=request.user, source="api", **arguments)
    except RateLimited as exc:
        response = _error(str(exc), HTTPStatus.TOO_MANY_REQUESTS, retry_after=exc.retry_after)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except ProbeRequestError as exc:
        return _error(str(exc), HTTPStatus.BAD_REQUEST)
    probe_run_execute(run=probe_run)
    results = probe_run.results.select_related("fix_issue", "target").order_by("position", "pk")
    return JsonResponse(run_full(probe_run, results))
