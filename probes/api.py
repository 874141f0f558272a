"""POST /api/probes/run/: run a checklist or a list of targets, answer with the results.

The run goes to a worker like a web-started one; the answer waits for it up to
the run's own time bound (`"wait": false` answers at once). A run not finished
by then is answered 202 with its URL; GET /probes/runs/<id>/status/ follows it.
Session-authenticated like the rest of the site, so Django's CSRF protection
applies: callers send the csrftoken cookie's value in X-CSRFToken.
"""

import json
import time
from http import HTTPStatus

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from kbsite.ratelimit import RateLimited
from probes.access import can_run_probes
from probes.models import Checklist
from probes.runner import OVERRUN_GRACE
from probes.serializers import run_full
from probes.services import ProbeRequestError, probe_run_create, probe_run_enqueue

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
    unknown = set(payload) - {"checklist", "params", "targets", "timeout", "wait"}
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
        payload = _parse(request)
        wait = payload.pop("wait", True)
        if not isinstance(wait, bool):
            raise ProbeRequestError("wait must be true or false")
        arguments = _run_arguments(payload)
        with transaction.atomic():
            probe_run = probe_run_create(user=request.user, source="api", **arguments)
            probe_run_enqueue(run=probe_run)
    except RateLimited as exc:
        response = _error(str(exc), HTTPStatus.TOO_MANY_REQUESTS, retry_after=exc.retry_after)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except ProbeRequestError as exc:
        return _error(str(exc), HTTPStatus.BAD_REQUEST)
    if wait:
        _wait_for(probe_run)
    results = probe_run.results.select_related("fix_issue", "target").order_by("position", "pk")
    body = run_full(probe_run, results)
    if probe_run.is_finished:
        return JsonResponse(body)
    body["status_url"] = reverse("probes:run_status", kwargs={"pk": probe_run.pk})
    return JsonResponse(body, status=HTTPStatus.ACCEPTED)


def _wait_for(probe_run) -> None:
    """Poll the row until the worker finishes it, bounded like the run itself."""
    rows = probe_run.results.count()
    waves = -(-rows // max(min(settings.PROBES_MAX_CONCURRENCY, rows), 1))
    deadline = time.monotonic() + waves * probe_run.timeout + OVERRUN_GRACE + 5
    delay = 0.05
    while time.monotonic() < deadline:
        probe_run.refresh_from_db()
        if probe_run.is_finished:
            return
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)
