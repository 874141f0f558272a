"""An entry's revisions: what it looked like at each save, and two revisions compared.

An entry's revision is its Issue history record together with the symptoms, causes,
fixes and tags as they stood until the next revision, because editors change those
together on one page. Restoring one is a status-keeping write: see issues/workflow.py.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from issues.models import Cause, Fix, Issue, Symptom, Tag
from issues.parts import FixSpec, fix_specs

# Content an editor writes; restoring never touches workflow fields (status, approval).
CONTENT_FIELDS = (
    "title",
    "slug",
    "product_id",
    "summary",
    "internal_notes",
    "visibility",
    "source",
)


@dataclass
class Snapshot:
    record: object
    fields: dict
    tags: list[str]
    symptoms: list[str]
    causes: list[str]
    fixes: list[FixSpec]


def _parts_as_of(model, issue_id: int, before) -> list:
    records = model.history.filter(issue_id=issue_id)
    if before is not None:
        records = records.filter(history_date__lt=before)
    latest = {}
    for record in records.order_by("history_date", "history_id"):
        latest[record.id] = record
    alive = [r for r in latest.values() if r.history_type != "-"]
    return sorted(alive, key=lambda r: (r.position, r.id))


def snapshot(record) -> Snapshot:
    """The entry as it stood from ``record`` until the next revision."""
    following = (
        type(record)
        .objects.filter(id=record.id, history_id__gt=record.history_id)
        .order_by("history_id")
        .first()
    )
    before = following.history_date if following else None
    causes = _parts_as_of(Cause, record.id, before)
    tag_ids = [row.tag_id for row in record.tags.all()]
    return Snapshot(
        record=record,
        fields={name: getattr(record, name) for name in CONTENT_FIELDS},
        tags=sorted(Tag.objects.filter(pk__in=tag_ids).values_list("name", flat=True)),
        symptoms=[s.text for s in _parts_as_of(Symptom, record.id, before)],
        causes=[c.text for c in causes],
        fixes=fix_specs(causes, _parts_as_of(Fix, record.id, before)),
    )


@dataclass
class ComparedRow:
    key: str
    label: str
    old: str
    new: str
    changed: bool


def _row(key: str, label, old: str, new: str) -> ComparedRow:
    return ComparedRow(key, str(label), old, new, old != new)


def _fix_text(fix: FixSpec) -> str:
    tie = f"（解决原因 {fix.cause_position}）\n" if fix.cause_position else ""
    return f"{tie}{fix.body}"


def compare(old, new) -> list[ComparedRow]:
    """Two revisions side by side, field by field and part by part."""
    a, b = snapshot(old), snapshot(new)
    # simple-history's own field diff decides which of the entry's fields changed.
    changed_fields = {change.field for change in new.diff_against(old).changes}
    rows = []
    for name in (*CONTENT_FIELDS, "status", "last_verified_on"):
        field = Issue._meta.get_field(name.removesuffix("_id"))
        attr = field.name if field.is_relation else name
        old_value, new_value = getattr(old, attr, ""), getattr(new, attr, "")
        rows.append(
            ComparedRow(
                field.name,
                str(field.verbose_name),
                str(old_value or ""),
                str(new_value or ""),
                field.name in changed_fields,
            )
        )
    rows.append(_row("tags", _("tags"), "、".join(a.tags), "、".join(b.tags)))
    for key, label, old_items, new_items in (
        ("symptom", _("symptom"), a.symptoms, b.symptoms),
        ("cause", _("cause"), a.causes, b.causes),
        ("fix", _("fix"), [_fix_text(f) for f in a.fixes], [_fix_text(f) for f in b.fixes]),
    ):
        for index in range(max(len(old_items), len(new_items))):
            rows.append(
                _row(
                    f"{key}-{index + 1}",
                    f"{label} {index + 1}",
                    old_items[index] if index < len(old_items) else "",
                    new_items[index] if index < len(new_items) else "",
                )
            )
    return rows
