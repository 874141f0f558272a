"""A session as plain text to paste into a ticket, in Chinese or English.

Interface words follow the chosen language; the flow's own content (titles,
answers, probe targets) is quoted as written.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from diagnosis.models import Session, Step
from diagnosis.rules import NOT_CHECKED
from diagnosis.times import zoned
from probes.outcomes import Outcome

LANGUAGES = ("zh-hans", "en")


def _outcome_label(value: str) -> str:
    try:
        return str(Outcome(value).label)
    except ValueError:
        return value or _("pending")


def _kind_label(kind: str) -> str:
    return str(Step.Kind(kind).label) if kind in Step.Kind.values else kind


def _answer_text(record) -> str:
    if record.answer == "solved":
        return _("solved")
    if record.answer == "not solved":
        return _("not solved")
    return record.answer or _("pending")


def _run_lines(run) -> list[str]:
    lines = [
        "   "
        + _("Probe run #%(id)s, %(when)s:")
        % {"id": run.pk, "when": zoned(run.started_at, "%Y-%m-%d %H:%M:%S")}
    ]
    if run.parameters:
        values = ", ".join(f"{name}={value}" for name, value in sorted(run.parameters.items()))
        lines.append("   " + _("parameters: %(values)s") % {"values": values})
    for row in run.results.order_by("position", "pk"):
        mark = (
            "OK " if row.outcome == Outcome.OK else ("-- " if row.outcome in NOT_CHECKED else "!! ")
        )
        line = f"   {mark}{row.position:>2}. {row.target_text}"
        if row.description:
            line += f" ({row.description})"
        line += f": {_outcome_label(row.outcome)}"
        if row.total_ms is not None:
            line += f", {row.total_ms:.0f} ms"
        reason = (row.details or {}).get("reason")
        if reason and row.outcome != Outcome.OK:
            line += f" [{reason}]"
        lines.append(line)
    return lines


def failed_endpoints(session: Session) -> list:
    """Probe rows that failed during the walk (the endpoints to name when escalating)."""
    rows = []
    for record in session.path():
        if record.probe_run_id:
            rows.extend(
                row
                for row in record.probe_run.results.order_by("position", "pk")
                if row.outcome and row.outcome != Outcome.OK and row.outcome not in NOT_CHECKED
            )
    return rows


def session_summary(session: Session, *, language: str = "zh-hans", url: str = "") -> str:
    language = language if language in LANGUAGES else LANGUAGES[0]
    with translation.override(language):
        return _summary(session, url=url)


def _summary(session: Session, *, url: str) -> str:
    flow = session.flow
    lines = [
        _("Guided diagnosis: %(title)s") % {"title": flow.title},
        _("Product: %(name)s") % {"name": flow.product.name},
        _("Flow revision: %(revision)s") % {"revision": session.flow_revision or "-"},
        _("Started: %(when)s by %(who)s")
        % {
            "when": zoned(session.started_at),
            "who": session.user.get_username() if session.user else _("anonymous reader"),
        },
        _("Outcome: %(outcome)s") % {"outcome": session.get_outcome_display()},
    ]
    if session.solved_by:
        lines.append(_("Solved by: %(title)s") % {"title": session.solved_by.title})
    if url:
        lines.append(_("Session: %(url)s") % {"url": url})
    lines += ["", _("Steps:")]
    for number, record in enumerate(session.path(), start=1):
        kind = _kind_label(record.step.kind) if record.step else ""
        lines.append(f"{number}. [{kind}] {record.step_title} → {_answer_text(record)}")
        if record.probe_run_id:
            lines.extend(_run_lines(record.probe_run))
            how = _("chosen by the checks") if record.automatic else _("chosen by hand")
            lines.append("   " + how)
        if record.override_reason:
            if record.overridden_branch_id:
                lines.append(
                    "   "
                    + _("Override: the checks chose “%(old)s”; reason: %(reason)s")
                    % {"old": record.overridden_branch.label, "reason": record.override_reason}
                )
            else:
                lines.append(
                    "   "
                    + _("Chosen by hand; reason: %(reason)s") % {"reason": record.override_reason}
                )
    step = session.current_step
    if step and not (session.path().filter(step=step).exists() and not session.is_open):
        lines.append(f"→ [{_kind_label(step.kind)}] {step.title}")
    failed = failed_endpoints(session)
    if failed:
        lines += ["", _("Endpoints that failed:")]
        lines += [f"- {row.target_text}: {_outcome_label(row.outcome)}" for row in failed]
    if step and step.kind == Step.Kind.ESCALATE:
        lines += [
            "",
            _("What to collect:"),
            step.collect.strip(),
            "",
            _("Send to:"),
            step.send_to.strip(),
        ]
    return "\n".join(lines).strip() + "\n"
