"""The editorial workflow: review and approval, verification dates, revisions.

Draft → in review → published, recording who approved and when; a "last verified"
date per issue; and comparing or restoring any two revisions of an entry. An
entry's revision is its Issue history record together with the symptoms, causes,
fixes and tags as they stood until the next revision, because editors change
those together on one page.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issues.importer.parts import FixSpec, sync_parts
from issues.models import Cause, Fix, Issue, Symptom, Tag
from issues.versioning import StaleEditError

DEFAULT_REVIEW_INTERVAL_DAYS = 180


class TransitionNotAllowed(Exception):
    """The issue is not in a status this step starts from."""


def review_interval_days() -> int:
    return int(getattr(settings, "KB_REVIEW_INTERVAL_DAYS", DEFAULT_REVIEW_INTERVAL_DAYS))


def due_for_review():
    """Issues never verified, or verified longer ago than the review interval."""
    return Issue.objects.due_for_review(older_than_days=review_interval_days())


def _require(issue: Issue, *allowed: str, step: str) -> None:
    if issue.status not in allowed:
        raise TransitionNotAllowed(
            _("“%(title)s” is %(status)s; “%(step)s” needs it to be %(allowed)s.")
            % {
                "title": issue.title,
                "status": issue.get_status_display(),
                "step": step,
                "allowed": " / ".join(str(Issue.Status(s).label) for s in allowed),
            }
        )


def _save(issue: Issue, *, user, reason: str) -> Issue:
    issue._history_user = user
    issue._change_reason = reason
    issue.save()
    return issue


@transaction.atomic
def submit_for_review(*, issue: Issue, user) -> Issue:
    _require(issue, Issue.Status.DRAFT, step=_("submit for review"))
    issue.status = Issue.Status.REVIEW
    return _save(issue, user=user, reason="submitted for review")


@transaction.atomic
def approve(*, issue: Issue, user) -> Issue:
    """Publish a reviewed issue, recording who approved it and when."""
    _require(issue, Issue.Status.REVIEW, step=_("approve and publish"))
    now = timezone.now()
    issue.status = Issue.Status.PUBLISHED
    issue.approved_by = user
    issue.approved_at = now
    issue.published_at = issue.published_at or now
    return _save(issue, user=user, reason="approved")


@transaction.atomic
def send_back(*, issue: Issue, user) -> Issue:
    """Return an issue in review to its author as a draft."""
    _require(issue, Issue.Status.REVIEW, step=_("send back to draft"))
    issue.status = Issue.Status.DRAFT
    return _save(issue, user=user, reason="sent back to draft")


@transaction.atomic
def mark_verified(*, issue: Issue, user, on: dt.date | None = None) -> Issue:
    """Record that someone checked the entry still holds (today unless ``on`` is given)."""
    issue.last_verified_on = on or timezone.localdate()
    return _save(issue, user=user, reason="verified")


# Revisions -----------------------------------------------------------------------

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
    cause_position = {cause.id: index for index, cause in enumerate(causes, start=1)}
    tag_ids = [row.tag_id for row in record.tags.all()]
    return Snapshot(
        record=record,
        fields={name: getattr(record, name) for name in CONTENT_FIELDS},
        tags=sorted(Tag.objects.filter(pk__in=tag_ids).values_list("name", flat=True)),
        symptoms=[s.text for s in _parts_as_of(Symptom, record.id, before)],
        causes=[c.text for c in causes],
        fixes=[
            FixSpec(f.body, cause_position.get(f.cause_id))
            for f in _parts_as_of(Fix, record.id, before)
        ],
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


@transaction.atomic
def restore_revision(*, issue: Issue, history_id: int, expected_version: int, user) -> Issue:
    """Write an old revision's content as a new revision on top of the current one.

    ``expected_version`` is the version the editor saw when choosing to restore: if
    the entry changed since, the restore is refused instead of overwriting that edit.
    """
    current = Issue.objects.select_for_update().get(pk=issue.pk)
    if current.version != expected_version:
        raise StaleEditError(current)
    record = current.history.get(history_id=history_id)
    old = snapshot(record)
    for name, value in old.fields.items():
        if name == "slug" and Issue.objects.filter(slug=value).exclude(pk=current.pk).exists():
            continue  # another entry uses that slug now; keep the current one
        setattr(current, name, value)
    reason = f"restored revision {history_id}"
    _save(current, user=user, reason=reason)
    current.tags.set(Tag.objects.filter(name__in=old.tags))
    sync_parts(
        current,
        symptoms=old.symptoms,
        causes=old.causes,
        fixes=old.fixes,
        reason=reason,
        user=user,
    )
    return current
