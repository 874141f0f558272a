"""An issue's symptoms, causes and fixes as plain lists, and bringing the rows to such lists.

Used by the importer (documents in), restoring a revision and anything else that writes
an entry's parts in one go. Rows are matched by position and saved through the models,
so every change gets its own history record and the optimistic lock applies.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from issues.models import Cause, Fix, Issue, Symptom


@dataclass
class FixSpec:
    body: str
    # 1-based position of the cause this fix resolves, as the sources pair them.
    cause_position: int | None = None


def cause_numbers(causes: Iterable[Cause]) -> dict[int, int]:
    """Cause id → its 1-based number on the page, for causes in page order.

    Reads ``id``, not ``pk``: historical rows (revisions) have a primary key of their own.
    """
    return {cause.id: number for number, cause in enumerate(causes, start=1)}


def fix_specs(causes: Iterable[Cause], fixes: Iterable[Fix]) -> list[FixSpec]:
    """Fixes as specs, each tied to the number of the cause it resolves."""
    numbers = cause_numbers(causes)
    return [FixSpec(fix.body, numbers.get(fix.cause_id)) for fix in fixes]


def _tag(instance, *, reason: str, user) -> None:
    instance._change_reason = reason
    if user is not None:
        instance._history_user = user


def _sync_rows(model, issue: Issue, wanted: Sequence[dict], *, reason: str, user) -> tuple:
    """Rows of ``model`` for ``issue`` holding ``wanted`` (field values, in order).

    Returns the rows and whether anything was written.
    """
    existing = list(model._base_manager.filter(issue=issue).order_by("position", "pk"))
    rows, changed = [], False
    for position, values in enumerate(wanted, start=1):
        values = {**values, "position": position}
        row = existing[position - 1] if position <= len(existing) else None
        if row is None:
            row = model(issue=issue, **values)
        elif all(getattr(row, name) == value for name, value in values.items()):
            rows.append(row)
            continue
        else:
            for name, value in values.items():
                setattr(row, name, value)
        _tag(row, reason=reason, user=user)
        row.save()
        rows.append(row)
        changed = True
    for row in existing[len(wanted) :]:
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
    """Make the issue's parts equal the given lists.

    Returns the names of the kinds of part that changed ("symptoms", "causes", "fixes").
    """
    changed = []
    _, symptoms_changed = _sync_rows(
        Symptom, issue, [{"text": t} for t in symptoms], reason=reason, user=user
    )
    if symptoms_changed:
        changed.append("symptoms")
    cause_rows, causes_changed = _sync_rows(
        Cause, issue, [{"text": t} for t in causes], reason=reason, user=user
    )
    if causes_changed:
        changed.append("causes")
    wanted_fixes = []
    for spec in fixes:
        number = spec.cause_position
        cause = cause_rows[number - 1] if number and number <= len(cause_rows) else None
        wanted_fixes.append({"body": spec.body, "cause_id": cause.pk if cause else None})
    _, fixes_changed = _sync_rows(Fix, issue, wanted_fixes, reason=reason, user=user)
    if fixes_changed:
        changed.append("fixes")
    return changed
