"""JSON API so a ticket system or chat bot can walk a flow.

GET  /api/flows/<slug>/                 the graph
POST /api/flows/<slug>/sessions/        start a walk
GET  /api/sessions/<id>/                where a walk stands
POST /api/sessions/<id>/answer/         {"branch": id} | {"solved": bool} | {"run": {params}}
                                        | {"override": id, "reason": "…"} | {"back": true}
Session-authenticated like the probe API, so CSRF applies (send X-CSRFToken).
"""

import json
from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from diagnosis import selectors, services
from diagnosis.models import Session, Step
from diagnosis.summary import session_summary
from issues.models import ErrorCode, Issue, can_read_internal

MAX_BODY = 16 * 1024


def _error(message: str, status: HTTPStatus) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _step_json(step: Step, *, can_run: bool, user=None) -> dict:
    data = {
        "key": step.key,
        "kind": step.kind,
        "title": step.title,
        "text": step.body,
        "branches": [
            {
                "id": branch.pk,
                "label": branch.label,
                "condition": branch.condition,
                "items": sorted(branch.item_numbers()),
                "outcomes": branch.outcomes,
                "next": branch.next_step.key,
            }
            for branch in step.branches.select_related("next_step")
        ],
    }
    if step.kind == Step.Kind.CHECK:
        data["checklist"] = step.checklist.slug if step.checklist_id else None
        data["parameters"] = (
            [
                {"name": p.name, "label": p.label, "help": p.help_text, "example": p.example}
                for p in step.checklist.parameters.all()
            ]
            if step.checklist_id
            else []
        )
        data["reader_text"] = step.reader_text
        data["runs_on_server"] = can_run
    if step.kind == Step.Kind.FIX:
        target = selectors.fix_target(step)
        data["fix"] = {
            "issue_url": target.issue_url if selectors.issue_is_readable(step, user) else "",
            "error_code_url": target.code_url,
            "error_code": target.code_label,
        }
        data["if_not_solved"] = step.unsolved_step.key if step.unsolved_step_id else None
    if step.kind == Step.Kind.ESCALATE:
        data["collect"] = step.collect
        data["send_to"] = step.send_to
    return data


@require_GET
def flow_graph(request, slug):
    flow = selectors.flow_for_reader(slug=slug, user=request.user)
    can_run = selectors.may_run_checks(request.user)
    return JsonResponse(
        {
            "slug": flow.slug,
            "title": flow.title,
            "product": flow.product.slug,
            "summary": flow.summary,
            "status": flow.status,
            "visibility": flow.visibility,
            "revision": flow.revision_id(),
            "start": flow.start_step.key if flow.start_step_id else None,
            # Only what the caller may read: an internal entry leaves no trace here.
            "issues": [
                issue.slug
                for issue in Issue.objects.visible_to(request.user).filter(diagnosis_flows=flow)
            ],
            "error_codes": list(
                ErrorCode.objects.readable(internal=can_read_internal(request.user))
                .filter(diagnosis_flows=flow)
                .values_list("code", flat=True)
            ),
            "steps": [
                _step_json(step, can_run=can_run, user=request.user)
                for step in flow.steps.select_related("checklist", "fix_issue", "fix_code")
            ],
            "url": request.build_absolute_uri(flow.get_absolute_url()),
        }
    )


def _state(request, session: Session) -> dict:
    can_run = selectors.may_run_checks(request.user)
    step = session.current_step
    language = "en" if request.GET.get("lang", "").startswith("en") else "zh-hans"
    return {
        "id": str(session.pk),
        "flow": session.flow.slug,
        "revision": session.flow_revision,
        "outcome": session.outcome,
        "solved_by": session.solved_by.key if session.solved_by_id else None,
        "step": _step_json(step, can_run=can_run, user=request.user) if step else None,
        "path": [
            {
                "step": record.step.key if record.step else None,
                "title": record.step_title,
                "answer": record.answer,
                "automatic": record.automatic,
                "override_reason": record.override_reason,
                "probe_run": record.probe_run_id,
            }
            for record in session.path()
        ],
        "walk_url": request.build_absolute_uri(session.walk_url()),
        "summary": session_summary(
            session,
            language=language,
            url=request.build_absolute_uri(session.get_absolute_url()),
        ),
    }


def _parse(request) -> dict:
    if len(request.body) > MAX_BODY:
        raise services.WalkError("request body too large")
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise services.WalkError(f"the body is not valid JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise services.WalkError("send a JSON object")
    return payload


@require_POST
def session_create(request, slug):
    flow = selectors.flow_for_reader(slug=slug, user=request.user)
    try:
        session = services.session_start(
            flow=flow, user=request.user, source="api", client=request.META.get("REMOTE_ADDR", "")
        )
    except services.WalkError as exc:
        return _error(str(exc), HTTPStatus.BAD_REQUEST)
    selectors.remember_session(request, session)
    return JsonResponse(_state(request, session), status=HTTPStatus.CREATED)


def _session(request, pk) -> Session:
    session = Session.objects.select_related("flow").filter(pk=pk).first()
    if session is None:
        raise Http404
    return selectors.session_for_walker(request, slug=session.flow.slug, pk=pk)


@require_GET
def session_state(request, pk):
    session = services.session_sync_check(session=_session(request, pk))
    return JsonResponse(_state(request, session))


@require_POST
def session_answer(request, pk):
    session = _session(request, pk)
    user = request.user
    try:
        payload = _parse(request)
        if "branch" in payload:
            services.session_answer(
                session=session,
                user=user,
                branch_id=payload["branch"],
                reason=str(payload.get("reason") or ""),
            )
        elif "solved" in payload:
            services.session_fix_result(session=session, user=user, solved=bool(payload["solved"]))
        elif "run" in payload:
            params = payload["run"] if isinstance(payload["run"], dict) else {}
            services.session_run_check(session=session, user=user, params=params, wait=True)
        elif "override" in payload:
            services.session_override(
                session=session,
                user=user,
                branch_id=payload["override"],
                reason=str(payload.get("reason") or ""),
            )
        elif payload.get("back"):
            services.session_back(session=session)
        else:
            raise services.WalkError(
                'send one of {"branch": id}, {"solved": true|false}, {"run": {…}}, '
                '{"override": id, "reason": "…"}, {"back": true}'
            )
    except PermissionDenied:
        return _error("the run probes permission is required", HTTPStatus.FORBIDDEN)
    except services.WalkError as exc:
        return _error(str(exc), HTTPStatus.BAD_REQUEST)
    session.refresh_from_db()
    return JsonResponse(_state(request, session))
