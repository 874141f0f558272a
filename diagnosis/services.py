"""Writes: start a walk, answer, run a check step, go back, override, end.

Every change to a walk goes through here, whether it comes from the pages or
the API, so the recorded session is the same either way.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnosis.graph import flow_problems
from diagnosis.models import Branch, Flow, Session, SessionStep, Step
from diagnosis.rules import ItemResult, choose_branch
from diagnosis.signals import session_ended
from kbsite.ratelimit import Rate, RateLimited, hit
from probes.access import can_run_probes
from probes.models import ProbeRun
from probes.services import (
    ProbeRequestError,
    probe_run_create,
    probe_run_enqueue,
    probe_run_execute,
)

PROBE_SOURCE = "diagnosis"


class WalkError(ValueError):
    """The request cannot change the walk; the message is for the person who asked."""


def flow_publish(*, flow: Flow, user=None) -> Flow:
    """Publish only a graph that can be walked (see diagnosis.graph)."""
    problems = flow_problems(flow)
    if problems:
        raise ValidationError([problem.message for problem in problems], code="broken_graph")
    flow.status = Flow.Status.PUBLISHED
    flow.published_at = flow.published_at or timezone.now()
    flow._change_reason = "published"
    flow.save()
    return flow


def session_start(*, flow: Flow, user=None, source: str = "web", client: str = "") -> Session:
    """Start a walk. Counted per client address (or user) so nobody fills the table."""
    if flow.start_step_id is None:
        raise WalkError(_("This flow has no first step yet."))
    who = f"user:{user.pk}" if getattr(user, "pk", None) else f"client:{client or 'unknown'}"
    try:
        hit(f"diagnosis-start:{who}", rate=Rate.from_setting("DIAGNOSIS_START_RATE_LIMIT"))
    except RateLimited as exc:
        raise WalkError(
            _("Too many walks started: try again in %(seconds)s s.") % {"seconds": exc.retry_after}
        ) from exc
    session = Session.objects.create(
        flow=flow,
        flow_revision=flow.revision_id(),
        user=user if getattr(user, "pk", None) else None,
        source=source,
        current_step=flow.start_step,
    )
    return session


def _active(session: Session):
    return session.records.filter(retracted=False).order_by("created_at", "pk")


def _pending_record(session: Session) -> SessionStep | None:
    last = _active(session).last()
    if last and last.step_id == session.current_step_id and last.is_pending:
        return last
    return None


def _end(session: Session, outcome: str, *, solved_by: Step | None = None) -> None:
    session.outcome = outcome
    session.solved_by = solved_by
    session.finished_at = timezone.now()
    transaction.on_commit(
        lambda: session_ended.send(sender=Session, session=session, outcome=outcome)
    )


def _arrive(session: Session, step: Step) -> None:
    """Move to a step; reaching an escalation ends the walk as escalated."""
    session.current_step = step
    session.outcome = Session.Outcome.IN_PROGRESS
    session.solved_by = None
    session.finished_at = None
    if step.kind == Step.Kind.ESCALATE:
        _end(session, Session.Outcome.ESCALATED)
    session.save()


def _require_open(session: Session) -> Step:
    if not session.is_open or session.current_step is None:
        raise WalkError(_("This walk has ended. Go back a step to change an answer."))
    return session.current_step


def _branch_of(step: Step, branch_id) -> Branch:
    try:
        return step.branches.get(pk=int(branch_id))
    except (Branch.DoesNotExist, TypeError, ValueError) as exc:
        raise WalkError(_("That answer does not belong to this step.")) from exc


@transaction.atomic
def session_answer(*, session: Session, user, branch_id=None, reason: str = "") -> Session:
    """Answer a question, or a check step for a reader who cannot run server checks.

    Staff who may run probes answer a check step by hand only with a reason (an override).
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    step = _require_open(session)
    if step.kind not in (Step.Kind.QUESTION, Step.Kind.CHECK):
        raise WalkError(_("This step is not a question."))
    branch = _branch_of(step, branch_id)
    reason = (reason or "").strip()
    pending = _pending_record(session)
    if step.kind == Step.Kind.CHECK and can_run_probes(user) and not reason:
        raise WalkError(_("Run the checks, or give a reason for choosing by hand."))
    record = pending or SessionStep(session=session, step=step, step_title=step.title)
    record.branch = branch
    record.answer = branch.label
    record.automatic = False
    record.override_reason = reason if step.kind == Step.Kind.CHECK else ""
    record.decided_at = timezone.now()
    record.save()
    _arrive(session, branch.next_step)
    return session


@transaction.atomic
def session_fix_result(*, session: Session, user, solved: bool) -> Session:
    """“Did this solve it?” at a fix step."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    step = _require_open(session)
    if step.kind != Step.Kind.FIX:
        raise WalkError(_("This step is not a fix."))
    SessionStep.objects.create(
        session=session,
        step=step,
        step_title=step.title,
        answer="solved" if solved else "not solved",
        decided_at=timezone.now(),
    )
    if solved:
        _end(session, Session.Outcome.SOLVED, solved_by=step)
        session.save()
    elif step.unsolved_step_id:
        _arrive(session, step.unsolved_step)
    else:
        _end(session, Session.Outcome.UNSOLVED)
        session.save()
    return session


def session_run_check(
    *, session: Session, user, params: dict | None = None, wait: bool = False
) -> Session:
    """Start the check step's probe run (staff with the probe permission only).

    Queued for a worker by default, so the page can show rows as they land; `wait`
    runs it here and moves the walk on at once (the API).
    """
    if not can_run_probes(user):
        raise PermissionDenied
    step = _require_open(session)
    if step.kind != Step.Kind.CHECK:
        raise WalkError(_("This step is not a check."))
    pending = _pending_record(session)
    if pending and pending.probe_run_id and not pending.probe_run.is_finished:
        return session
    arguments = (
        {"checklist": step.checklist} if step.checklist_id else {"targets": step.target_lines()}
    )
    if step.checklist_id:
        arguments["params"] = params or {}
    try:
        run = probe_run_create(user=user, source=PROBE_SOURCE, **arguments)
    except ProbeRequestError as exc:
        raise WalkError(str(exc)) from exc
    except RateLimited as exc:
        raise WalkError(
            _("Too many probe runs: try again in %(seconds)s s.") % {"seconds": exc.retry_after}
        ) from exc
    with transaction.atomic():
        record = pending or SessionStep(session=session, step=step, step_title=step.title)
        record.probe_run = run
        record.save()
        if run.parameters:
            session.parameters = {**session.parameters, **run.parameters}
            session.save(update_fields=["parameters", "updated_at"])
        if not wait:
            probe_run_enqueue(run=run)
    if wait:
        probe_run_execute(run=run)
        session_sync_check(session=session)
        session.refresh_from_db()
    return session


def run_results(run: ProbeRun) -> list[ItemResult]:
    return [
        ItemResult(position=row.position, outcome=row.outcome)
        for row in run.results.order_by("position", "pk")
    ]


@transaction.atomic
def session_sync_check(*, session: Session) -> Session:
    """If the current check's run has finished, let its results choose the branch."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    pending = _pending_record(session)
    if not session.is_open or pending is None or pending.probe_run_id is None:
        return session
    # A worker executes the run (probes.tasks); its sweep closes runs whose worker died.
    run = pending.probe_run
    if not run.is_finished:
        return session
    step = session.current_step
    branch = choose_branch(list(step.branches.all()), run_results(run))
    if branch is None:  # a graph that passed validation always has an "otherwise"
        return session
    pending.branch = branch
    pending.answer = branch.label
    pending.automatic = True
    pending.decided_at = timezone.now()
    pending.save()
    _arrive(session, branch.next_step)
    return session


@transaction.atomic
def session_override(*, session: Session, user, branch_id, reason: str) -> Session:
    """Staff replace the branch the checks chose, with a reason (the last decision only)."""
    if not can_run_probes(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise WalkError(_("Say why you override the checks' choice."))
    session = Session.objects.select_for_update().get(pk=session.pk)
    record = _active(session).last()
    if record is None or not record.automatic or record.step is None:
        raise WalkError(_("Only the checks' latest choice can be overridden."))
    branch = _branch_of(record.step, branch_id)
    record.overridden_branch = record.branch
    record.branch = branch
    record.answer = branch.label
    record.automatic = False
    record.override_reason = reason[:2000]
    record.save()
    _arrive(session, branch.next_step)
    return session


@transaction.atomic
def session_back(*, session: Session) -> Session:
    """Undo the last answer (kept in the record as retracted) and return to its step."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    active = list(_active(session))
    if active and active[-1].is_pending:
        # A check whose run has not chosen yet: drop it and go back one more.
        pending = active.pop()
        pending.retracted = True
        pending.save(update_fields=["retracted"])
    if not active:
        return session
    last = active[-1]
    last.retracted = True
    last.save(update_fields=["retracted"])
    if last.step is None:
        return session
    session.current_step = last.step
    session.outcome = Session.Outcome.IN_PROGRESS
    session.solved_by = None
    session.finished_at = None
    session.save()
    return session


def session_abandon(*, session: Session) -> Session:
    if session.is_open:
        _end(session, Session.Outcome.ABANDONED)
        session.save()
    return session


def sessions_prune(*, now=None) -> tuple[int, int]:
    """Walks left open too long count as abandoned; walks older than the retention go.

    Returns (abandoned, deleted).
    """
    now = now or timezone.now()
    stale = now - timedelta(hours=settings.DIAGNOSIS_ABANDON_AFTER_HOURS)
    abandoned = 0
    for session in Session.objects.filter(
        outcome=Session.Outcome.IN_PROGRESS, updated_at__lt=stale
    ).iterator():
        with transaction.atomic():
            _end(session, Session.Outcome.ABANDONED)
            session.save(update_fields=["outcome", "solved_by", "finished_at"])
        abandoned += 1
    cutoff = now - timedelta(days=settings.DIAGNOSIS_SESSION_RETENTION_DAYS)
    deleted, _ = Session.objects.filter(started_at__lt=cutoff).delete()
    return abandoned, deleted
