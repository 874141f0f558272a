"""Writes: start a probe run, execute it, record each result as it lands.

A run is created first with one pending row per check (the audit record of who
asked what, with which parameters), then queued for a Celery worker
(probes/tasks.py), whose claim on the row (probes/leases.py) makes it execute
once; the run page fills in as rows finish.
"""

import logging
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from kbsite.ratelimit import Rate, hit
from probes.checks import CheckResult, ProbeContext
from probes.explain import fix_issue_for, reason_fields
from probes.hosts import InvalidTarget
from probes.models import Checklist, ProbeResult, ProbeRun, Target
from probes.outcomes import Outcome
from probes.runner import run_all
from probes.targets import (
    InvalidSpec,
    TargetSpec,
    normalize_fingerprint,
    spec_from_target,
    spec_from_text,
)

logger = logging.getLogger("probes.audit")

MAX_TARGETS_PER_RUN = 100
MAX_TIMEOUT = 30.0
MAX_PARAM_LENGTH = 253


class ProbeRequestError(ValueError):
    """The request cannot start a run; the message is for the person who asked."""


def clean_timeout(raw) -> float:
    if raw in (None, ""):
        return float(settings.PROBES_TIMEOUT)
    try:
        value = float(raw)
    except (TypeError, ValueError) as exc:
        raise ProbeRequestError(f"timeout must be a number of seconds, got {raw!r}") from exc
    if not 0.1 <= value <= MAX_TIMEOUT:
        raise ProbeRequestError(f"timeout must be between 0.1 and {MAX_TIMEOUT:g} seconds")
    return value


def clean_parameters(checklist: Checklist, raw) -> dict[str, str]:
    """Only placeholders the checklist uses; empty ones are dropped (their rows are skipped)."""
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        raise ProbeRequestError("params must be an object of name → value")
    known = set(checklist.placeholders())
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ProbeRequestError(
            f"unknown parameter(s) {', '.join(map(str, unknown))} for checklist "
            f"{checklist.slug}; it takes: {', '.join(sorted(known)) or 'none'}"
        )
    cleaned = {}
    for name, value in raw.items():
        if value is None:
            continue
        if not isinstance(value, str | int):
            raise ProbeRequestError(f"parameter {name} must be text")
        text = str(value).strip()
        if len(text) > MAX_PARAM_LENGTH or any(ord(ch) < 0x20 for ch in text):
            raise ProbeRequestError(f"parameter {name} is too long or holds control characters")
        if text:
            cleaned[name] = text
    return cleaned


def _adhoc_target(spec: TargetSpec, *, expected_issuer: str, expected_fingerprint: str) -> Target:
    """Typed targets are kept (deduplicated) so they have a history too."""
    fields = {
        "kind": spec.kind,
        "host": spec.host.url_form,
        "port": str(spec.port or ""),
        "path": spec.path if spec.kind in ("http", "https") else "",
        "expected_issuer": expected_issuer,
        "expected_fingerprint": expected_fingerprint,
        "adhoc": True,
    }
    target = Target.objects.filter(**fields).first()
    return target or Target.objects.create(**fields)


def _storable(text: str) -> str:
    """Control characters escaped: PostgreSQL refuses NUL, and logs should not get raw ones."""
    return "".join(f"\\x{ord(ch):02x}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in text)


def _adhoc_row(entry, position: int) -> ProbeResult:
    expected_issuer = expected_fingerprint = ""
    text = entry
    if isinstance(entry, dict):
        text = entry.get("target")
        expected_issuer = str(entry.get("expected_issuer") or "")[:255]
        expected_fingerprint = str(entry.get("expected_fingerprint") or "")
    if not isinstance(text, str):
        raise ProbeRequestError(f"target #{position} must be a string like tcp://host:port")
    spec = spec_from_text(text)
    target = None
    if spec.is_valid:
        try:
            expected_fingerprint = normalize_fingerprint(expected_fingerprint)
            if _storable(expected_issuer) != expected_issuer:
                raise InvalidTarget("The expected issuer contains control characters")
        except InvalidTarget as exc:
            spec = InvalidSpec(text=text, kind=spec.kind, reason=str(exc))
        else:
            target = _adhoc_target(
                spec, expected_issuer=expected_issuer, expected_fingerprint=expected_fingerprint
            )
    row = ProbeResult(
        position=position, target=target, target_text=_storable(text)[:600], kind=spec.kind
    )
    if not spec.is_valid:
        row.details = {"reason": spec.reason}
    return row


def _checklist_rows(checklist: Checklist, params: dict[str, str]) -> list[ProbeResult]:
    rows = []
    for position, item in enumerate(checklist.ordered_items(), start=1):
        spec = spec_from_target(item.target, params=params, item_id=item.pk)
        row = ProbeResult(
            position=position,
            target=item.target,
            checklist_item=item,
            target_text=spec.text[:600],
            kind=item.target.kind,
            description=item.description or item.target.description,
        )
        if not spec.is_valid:
            row.details = {"reason": spec.reason}
        rows.append(row)
    return rows


def _saved_target_rows(target: Target) -> list[ProbeResult]:
    spec = spec_from_target(target, params={})
    row = ProbeResult(
        position=1,
        target=target,
        target_text=spec.text[:600],
        kind=target.kind,
        description=target.description,
    )
    if not spec.is_valid:
        row.details = {"reason": spec.reason}
    return [row]


def probe_run_create(
    *,
    user,
    source: str,
    checklist: Checklist | None = None,
    params: dict | None = None,
    targets: Sequence[str | dict] = (),
    target: Target | None = None,
    timeout: float | None = None,
    rate_limited: bool = True,
    monitor=None,
) -> ProbeRun:
    """Validate the request, count it against the user's rate limit, store the pending run.

    One of: a checklist (with its parameters), typed targets, or one saved target
    (what a monitor of a single target runs).
    """
    if sum((checklist is not None, bool(targets), target is not None)) != 1:
        raise ProbeRequestError("give either a checklist or a list of targets")
    if len(targets) > MAX_TARGETS_PER_RUN:
        raise ProbeRequestError(f"at most {MAX_TARGETS_PER_RUN} targets per run")
    timeout = clean_timeout(timeout)
    cleaned = clean_parameters(checklist, params) if checklist else {}
    if checklist is None and params:
        raise ProbeRequestError("params only apply to a checklist")
    if checklist is not None:
        rows = _checklist_rows(checklist, cleaned)
    elif target is not None:
        rows = _saved_target_rows(target)
    else:
        rows = [_adhoc_row(entry, position) for position, entry in enumerate(targets, 1)]
    if not rows:
        raise ProbeRequestError("this checklist has no targets")
    if rate_limited and user is not None:
        hit(f"probe-runs:user:{user.pk}", rate=Rate.from_setting("PROBES_RATE_LIMIT"))
    with transaction.atomic():
        run = ProbeRun.objects.create(
            user=user if getattr(user, "pk", None) else None,
            source=source,
            checklist=checklist,
            parameters=cleaned,
            timeout=timeout,
            monitor=monitor,
        )
        for row in rows:
            row.run = run
            if row.details.get("reason"):
                _fill(row, CheckResult(Outcome.INVALID, reason=row.details["reason"]))
        ProbeResult.objects.bulk_create(rows)
    logger.info(
        "probe run %s by %s via %s: %s params=%s targets=%s",
        run.pk,
        getattr(user, "username", None) or "-",
        source,
        checklist.slug if checklist else (str(target) if target else "ad-hoc"),
        cleaned,
        [row.target_text for row in rows],
    )
    return run


def _fill(row: ProbeResult, result: CheckResult) -> None:
    item_issue = row.checklist_item.issue if row.checklist_item_id else None
    fix = fix_issue_for(result.outcome, item_issue=item_issue, target=row.target)
    row.outcome = result.outcome
    row.addresses = result.addresses
    row.timings_ms = result.timings_ms
    # Codes, not sentences: probes/explain.py words them in the reader's language.
    row.details = {**result.details, **reason_fields(result)}
    row.fix_issue = fix
    row.finished_at = timezone.now()


def _spec_for_row(row: ProbeResult, params: dict) -> TargetSpec | InvalidSpec:
    if row.target is None:  # deleted by an admin since the run was created
        return InvalidSpec(text=row.target_text, kind=row.kind, reason="the target was deleted")
    return spec_from_target(
        row.target, params=params, description=row.description, item_id=row.checklist_item_id
    )


def probe_run_execute(
    *,
    run: ProbeRun,
    context: ProbeContext | None = None,
    max_concurrency: int | None = None,
    on_result: Callable[[ProbeResult], None] | None = None,
) -> ProbeRun:
    """Run every pending check of the run concurrently; save each result as it finishes."""
    context = context or ProbeContext.from_settings(timeout=run.timeout)
    rows = list(run.results.filter(outcome="").select_related("target", "checklist_item__issue"))
    specs = [_spec_for_row(row, run.parameters) for row in rows]
    for index, result in run_all(
        specs,
        context=context,
        max_concurrency=max_concurrency or settings.PROBES_MAX_CONCURRENCY,
        per_host=settings.PROBES_HOST_CONCURRENCY,
    ):
        row = rows[index]
        _fill(row, result)
        row.save()
        if on_result:
            on_result(row)
    run.status = ProbeRun.Status.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run


def probe_run_enqueue(*, run: ProbeRun) -> None:
    """Hand the run to a worker once it is committed (a worker must be able to read it).

    A broker that cannot be reached leaves the run queued, not lost: the sweep task
    (probes.sweep_runs) queues it again, and the run page says it is waiting.
    """
    from probes.tasks import execute_run

    language = translation.get_language() or settings.LANGUAGE_CODE

    def send():
        try:
            execute_run.apply_async(args=[run.pk], kwargs={"language": language})
        except Exception:  # the broker's own errors vary by transport
            logger.exception("probe run %s could not be queued; the sweep will retry", run.pk)

    if execute_run.app.conf.task_always_eager:
        send()  # eager (tests): in this process and transaction, so no need to wait for commit
    else:
        transaction.on_commit(send)


def probe_run_fail(*, run: ProbeRun, reason: str) -> ProbeRun:
    """Close a run that cannot complete: pending rows say why, the run is marked failed."""
    for row in run.results.filter(outcome="").select_related("checklist_item__issue"):
        _fill(row, CheckResult(Outcome.UNAVAILABLE, reason=reason, code="interrupted"))
        row.save()
    run.status = ProbeRun.Status.FAILED
    run.failure = reason
    run.finished_at = timezone.now()
    run.lease_until = None
    run.save(update_fields=["status", "failure", "finished_at", "lease_until"])
    logger.warning("probe run %s failed: %s", run.pk, reason)
    return run
