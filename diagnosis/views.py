"""Walking a flow: plain forms that work without JavaScript; thin over services/selectors."""

from http import HTTPStatus
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from diagnosis import selectors, services
from diagnosis.models import Session, Step
from diagnosis.rules import NOT_CHECKED
from diagnosis.summary import LANGUAGES, failed_endpoints, session_summary
from issues.models import Issue
from probes.outcomes import Outcome


def _summary_language(request) -> str:
    wanted = request.GET.get("lang") or get_language() or LANGUAGES[0]
    return "en" if wanted.startswith("en") else "zh-hans"


@require_GET
def flow_index(request):
    return render(
        request, "diagnosis/index.html", {"groups": selectors.flows_by_product(user=request.user)}
    )


@require_http_methods(["GET", "POST"])
def flow_detail(request, slug):
    flow = selectors.flow_for_reader(slug=slug, user=request.user)
    error = ""
    # Started from an error code's page (?code=-1019): the first question's matching
    # answer is chosen for the reader, carried as a plain parameter (no JavaScript).
    code = (request.POST if request.method == "POST" else request.GET).get("code", "")[:32]
    start_answer = selectors.answer_for_code(flow.start_step, code)
    if request.method == "POST":
        try:
            session = services.session_start(
                flow=flow, user=request.user, client=request.META.get("REMOTE_ADDR", "")
            )
        except services.WalkError as exc:
            error = str(exc)
        else:
            selectors.remember_session(request, session)
            return redirect(_with_code(session.walk_url(), code if start_answer else ""))
    context = {
        "flow": flow,
        "error": error,
        "code": code if start_answer else "",
        "start_answer": start_answer,
        "issues": Issue.objects.visible_to(request.user).filter(diagnosis_flows=flow),
        "first_step": flow.start_step,
    }
    status = HTTPStatus.BAD_REQUEST if error else HTTPStatus.OK
    return render(request, "diagnosis/flow.html", context, status=status)


def _with_code(url: str, code: str) -> str:
    return f"{url}?{urlencode({'code': code})}#step" if code else url


def _run_rows(run) -> list:
    return list(run.results.order_by("position", "pk")) if run else []


def _step_context(request, session: Session) -> dict:
    step = session.current_step
    preselected = None
    if session.is_open and step.kind in (Step.Kind.QUESTION, Step.Kind.CHECK):
        preselected = selectors.answer_for_code(step, request.GET.get("code", "")[:32])
    path = list(session.path())
    pending = path[-1] if path and path[-1].is_pending and path[-1].step_id == step.pk else None
    if pending:
        path = path[:-1]
    run = pending.probe_run if pending else None
    last = path[-1] if path else None
    can_run = selectors.may_run_checks(request.user)
    context = {
        "flow": session.flow,
        "session": session,
        "step": step,
        "path": path,
        "done_count": len(path),
        "remaining": selectors.remaining_steps(step) if session.is_open else 0,
        "can_run": can_run,
        "run": run,
        "rows": _run_rows(run),
        "last_decision": last if last and last.automatic and can_run else None,
        "last_decision_rows": _run_rows(last.probe_run) if last and last.automatic else [],
        "is_staff_reader": selectors.is_staff_reader(request.user),
        "not_checked": sorted(NOT_CHECKED),
        "ok": Outcome.OK,
        "preselected": str(preselected.pk) if preselected else "",
        "posted": {},
    }
    context["progress_max"] = context["done_count"] + context["remaining"] + 1
    context["progress_value"] = context["done_count"] + 1
    if step.kind == Step.Kind.CHECK and step.checklist_id:
        context["parameters"] = list(step.checklist.parameters.all())
        items = list(step.checklist.ordered_items())
        context["items"] = items
        # Readers see only the items the step's rules look at (all when none is named).
        named = set().union(*(branch.item_numbers() for branch in step.branches.all()))
        context["reader_items"] = [
            item for number, item in enumerate(items, start=1) if not named or number in named
        ]
        context["given"] = session.parameters
    if step.kind == Step.Kind.FIX:
        context["fix"] = selectors.fix_target(step)
        context["issue_readable"] = selectors.issue_is_readable(step, request.user)
    if step.kind == Step.Kind.ESCALATE or not session.is_open:
        language = _summary_language(request)
        context["summary_language"] = language
        context["summary"] = session_summary(
            session,
            language=language,
            url=request.build_absolute_uri(session.get_absolute_url()),
        )
        context["failed"] = failed_endpoints(session)
    return context


def _handle(request, session: Session) -> None:
    action = request.POST.get("action", "")
    user = request.user
    if action == "answer":
        services.session_answer(
            session=session,
            user=user,
            branch_id=request.POST.get("branch"),
            reason=request.POST.get("reason", ""),
        )
    elif action in ("solved", "not_solved"):
        services.session_fix_result(session=session, user=user, solved=action == "solved")
    elif action == "run":
        params = {
            key.removeprefix("param_"): value
            for key, value in request.POST.items()
            if key.startswith("param_")
        }
        services.session_run_check(session=session, user=user, params=params)
    elif action == "override":
        services.session_override(
            session=session,
            user=user,
            branch_id=request.POST.get("branch"),
            reason=request.POST.get("reason", ""),
        )
    elif action == "back":
        services.session_back(session=session)
    elif action == "abandon":
        services.session_abandon(session=session)
    else:
        raise services.WalkError("unknown action")


def _missing_fields(request, session: Session) -> dict:
    """Answers left out, refused with a message beside the field (the forms are
    novalidate: the browser's own tooltip would not be in the page's language)."""
    action = request.POST.get("action", "")
    if action not in ("answer", "override") or not session.is_open:
        return {}
    errors = {}
    if not request.POST.get("branch"):
        errors["answer_error"] = _("Choose an answer.")
    step = session.current_step
    needs_reason = action == "override" or (
        step is not None and step.kind == Step.Kind.CHECK and selectors.may_run_checks(request.user)
    )
    if needs_reason and not request.POST.get("reason", "").strip():
        errors["reason_error"] = _("Give the reason; it is recorded in the session.")
    return errors


@require_http_methods(["GET", "POST"])
def walk(request, slug, pk):
    session = selectors.session_for_walker(request, slug=slug, pk=pk)
    error, field_errors = "", {}
    if request.method == "POST":
        field_errors = _missing_fields(request, session)
        if not field_errors:
            try:
                _handle(request, session)
            except PermissionDenied:
                raise
            except services.WalkError as exc:
                error = str(exc)
            else:
                return redirect(session.walk_url() + "#step")
        session.refresh_from_db()
    else:
        session = services.session_sync_check(session=session)
    if session.current_step is None:
        raise Http404("The flow has changed: this walk has no current step")
    context = _step_context(request, session)
    context["error"] = error
    if request.method == "POST":
        # What was sent comes back: the choice made and the reason typed are not lost.
        context["posted"] = {
            "action": request.POST.get("action", ""),
            "branch": request.POST.get("branch", ""),
            "reason": request.POST.get("reason", ""),
        }
        context.update(field_errors)
    response = render(
        request,
        "diagnosis/walk.html",
        context,
        status=HTTPStatus.BAD_REQUEST if error or field_errors else HTTPStatus.OK,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def walk_status(request, slug, pk):
    """The current check's run, for the page's live rows (static/js/diagnosis.js)."""
    session = selectors.session_for_walker(request, slug=slug, pk=pk)
    before = session.current_step_id
    path = list(session.path())
    record = next((r for r in reversed(path) if r.probe_run_id), None)
    run = record.probe_run if record else None
    if run is not None and run.is_finished and record.is_pending:
        # Only a finished run changes the walk; polling otherwise just reads.
        session = services.session_sync_check(session=session)
    return JsonResponse(
        {
            "moved": session.current_step_id != before,
            "finished": bool(run and run.is_finished),
            "results": [
                {
                    "position": row.position,
                    "target": row.target_text,
                    "outcome": row.outcome,
                    "outcome_label": str(Outcome(row.outcome).label) if row.outcome else "",
                    "total_ms": row.total_ms,
                }
                for row in _run_rows(run)
            ],
        },
        headers={"Cache-Control": "no-store"},
    )


def _staff_session(request, pk) -> Session | HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not selectors.is_staff_reader(request.user):
        raise PermissionDenied
    return get_object_or_404(Session.objects.select_related("flow__product", "user"), pk=pk)


@require_GET
def session_detail(request, pk):
    session = _staff_session(request, pk)
    if isinstance(session, HttpResponse):
        return session
    language = _summary_language(request)
    summary = session_summary(
        session, language=language, url=request.build_absolute_uri(session.get_absolute_url())
    )
    context = {
        "session": session,
        "flow": session.flow,
        "path": list(session.path()),
        "retracted": list(session.records.filter(retracted=True).select_related("branch")),
        "summary": summary,
        "summary_language": language,
        "failed": failed_endpoints(session),
    }
    response = render(request, "diagnosis/session.html", context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def session_summary_text(request, pk):
    session = _staff_session(request, pk)
    if isinstance(session, HttpResponse):
        return session
    text = session_summary(
        session,
        language=_summary_language(request),
        url=request.build_absolute_uri(session.get_absolute_url()),
    )
    return HttpResponse(
        text, content_type="text/plain; charset=utf-8", headers={"Cache-Control": "no-store"}
    )
