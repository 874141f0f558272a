"""JSON shapes of runs and results, shared by the API, the run page's polling and the command."""

from probes.explain import result_text
from probes.models import ProbeResult, ProbeRun


def result_core(row: ProbeResult) -> dict:
    """The fields every interface prints, `target` exactly as it was given."""
    return {
        "target": row.target_text,
        "kind": row.kind,
        "outcome": row.outcome or None,
        "addresses": row.addresses,
        "timings_ms": row.timings_ms,
        "details": row.details,
        "explanation": result_text(row) if row.outcome else "",
    }


def result_full(row: ProbeResult) -> dict:
    fix = None
    if row.fix_issue_id:
        fix = {"title": row.fix_issue.title, "url": row.fix_issue.get_absolute_url()}
    history = row.target.get_absolute_url() if row.target_id else None
    return {
        "id": row.pk,
        "position": row.position,
        "description": row.description,
        **result_core(row),
        "fix": fix,
        "history_url": history,
    }


def run_full(run: ProbeRun, results) -> dict:
    return {
        "run": run.pk,
        "url": run.get_absolute_url(),
        "status": run.status,
        "checklist": run.checklist.slug if run.checklist_id else None,
        "parameters": run.parameters,
        "timeout": run.timeout,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "results": [result_full(row) for row in results],
    }
