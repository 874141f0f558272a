"""Bring an issue's symptoms, causes and fixes to a given list, one saved row at a time.

Rows are matched by position and saved through the models, so every change gets
its own history record and the optimistic lock applies. Shared by the importer
and by restoring an old revision.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from issues.models import Cause, Fix, Issue, Symptom


@dataclass(frozen=True)
class FixSpec:
    body: str
    cause_position: int | None = None


def _tag(instance, *, reason: str, user) -> None:
    instance._change_reason = reason
    if user is not None:
        instance._history_user = user


def _sync_texts(model, issue: Issue, texts: Sequence[str], attr: str, *, reason, user) -> list:
    """Rows of ``model`` for ``issue`` holding ``texts`` in order; returns them, and whether
    anything changed as the rows' ``_changed`` flag."""
    existing = list(model._base_manager.filter(issue=issue).order_by("position", "pk"))
    rows, changed = [], False
    for position, text in enumerate(texts, start=1):
        row = existing[position - 1] if position <= len(existing) else None
        if row is None:
            row = model(issue=issue, position=position, **{attr: text})
            _tag(row, reason=reason, user=user)
            row.save()
            changed = True
        elif getattr(row, attr) != text or row.position != position:
            setattr(row, attr, text)
            row.position = position
            _tag(row, reason=reason, user=user)
            row.save()
            changed = True
        rows.append(row)
    for row in existing[len(texts) :]:
        _tag(row, reason=reason, user=user)
        row.delete()
        changed = True
    return rows, changed


def sync_parts(
    issue: Issue,
    *,
    symptoms: Sequence[str],
    causes: Sequence[str],
    fixes: Sequence[FixSpec],
    reason: str,
    user=None,
) -> list[str]:
    """Make the issue's parts equal the given lists; return the names of the parts changed."""
    changed = []
    _, symptoms_changed = _sync_texts(Symptom, issue, symptoms, "text", reason=reason, user=user)
    if symptoms_changed:
        changed.append("symptoms")
    cause_rows, causes_changed = _sync_texts(Cause, issue, causes, "text", reason=reason, user=user)
    if causes_changed:
        changed.append("causes")
    existing = list(Fix._base_manager.filter(issue=issue).order_by("position", "pk"))
    fixes_changed = False
    for position, spec in enumerate(fixes, start=1):
        cause = None
        if spec.cause_position and spec.cause_position <= len(cause_rows):
            cause = cause_rows[spec.cause_position - 1]
        row = existing[position - 1] if position <= len(existing) else None
        if row is None:
            row = Fix(issue=issue, position=position, body=spec.body, cause=cause)
        elif (row.body, row.cause_id, row.position) == (
            spec.body,
            cause.pk if cause else None,
            position,
        ):
            continue
        else:
            row.body, row.cause, row.position = spec.body, cause, position
        _tag(row, reason=reason, user=user)
        row.save()
        fixes_changed = True
    for row in existing[len(fixes) :]:
        _tag(row, reason=reason, user=user)
        row.delete()
        fixes_changed = True
    if fixes_changed:
        changed.append("fixes")
    return changed
