"""An entry's revisions: one per save, holding the whole entry, and two of them compared.

A revision (``EntryRevision``) is the entry as editors see it — fields, symptoms,
causes, fixes, tags, error codes and related entries — as plain data, numbered per
entry, with who, when and why. Saves inside ``revision()`` (an admin page, a workflow
service, an import) become one revision per entry however many rows they touch;
a save outside one is recorded on its own. See docs/editing.md.
"""

import contextvars
import difflib
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from issues.models import Cause, EntryRevision, ErrorCode, Fix, Issue, Symptom
from issues.parts import fix_specs

# Fields an editor writes; restoring brings these back, never the workflow's fields.
CONTENT_FIELDS = ("title", "slug", "product", "summary", "internal_notes", "visibility", "source")
WORKFLOW_FIELDS = ("status", "last_verified_on", "published_at", "approved_by")
LONG_TEXT = 16  # characters: longer values are compared word by word


# The whole entry as plain data ------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def entry_state(issue) -> dict:
    """The entry as plain JSON data. Works on migration-state models too (plain access)."""
    causes = list(issue.causes.order_by("position", "pk"))
    fixes = list(issue.fixes.order_by("position", "pk"))
    approver = issue.approved_by
    return {
        "fields": {
            "title": issue.title,
            "slug": issue.slug,
            "product": issue.product_id,
            "product_name": issue.product.name,
            "summary": issue.summary,
            "internal_notes": issue.internal_notes,
            "visibility": issue.visibility,
            "source": issue.source,
            "status": issue.status,
            "last_verified_on": _iso(issue.last_verified_on),
            "published_at": _iso(issue.published_at),
            "approved_by": approver.username if approver else None,
        },
        "tags": sorted(tag.name for tag in issue.tags.all()),
        "symptoms": [s.text for s in issue.symptoms.order_by("position", "pk")],
        "causes": [c.text for c in causes],
        "fixes": [{"body": s.body, "cause": s.cause_position} for s in fix_specs(causes, fixes)],
        "codes": sorted(
            (
                {"id": c.pk, "label": f"{c.code} {c.constant}".strip()}
                for c in issue.error_codes.all()
            ),
            key=lambda c: c["label"],
        ),
        "related": sorted(
            ({"id": r.pk, "title": r.title} for r in issue.related.all()),
            key=lambda r: r["title"],
        ),
    }


# Reasons --------------------------------------------------------------------------

REASONS = {
    "created": gettext_lazy("entry created"),
    "edited": gettext_lazy("edited"),
    "submitted": gettext_lazy("submitted for review"),
    "approved": gettext_lazy("approved by %(detail)s"),
    "sent_back": gettext_lazy("sent back to draft"),
    "published": gettext_lazy("published by %(detail)s"),
    "unpublished": gettext_lazy("unpublished"),
    "archived": gettext_lazy("archived"),
    "verified": gettext_lazy("marked as verified"),
    "restored": gettext_lazy("restored revision %(detail)s"),
    "imported": gettext_lazy("imported from %(detail)s"),
    "recorded": gettext_lazy("as it stood when revisions began"),
}

# The history records' reason strings (simple-history) → a revision's reason key.
_REASON_TEXT = (
    (re.compile(r"^import: (?P<detail>.+)$"), "imported"),
    (re.compile(r"^restored revision (?P<detail>\d+)$"), "restored"),
    (re.compile(r"^submitted for review$"), "submitted"),
    (re.compile(r"^approved$"), "approved"),
    (re.compile(r"^sent back to draft$"), "sent_back"),
    (re.compile(r"^published$"), "published"),
    (re.compile(r"^unpublished$"), "unpublished"),
    (re.compile(r"^archived$"), "archived"),
    (re.compile(r"^verified$"), "verified"),
    (re.compile(r"^shipped content$"), "recorded"),
)


def reason_key(text: str | None) -> tuple[str, str] | None:
    """("imported", "faq.txt") for "import: faq.txt"; None for no or unknown text."""
    for pattern, key in _REASON_TEXT:
        match = pattern.match(text or "")
        if match:
            return key, match.groupdict().get("detail", "")
    return None


def describe_reason(revision: EntryRevision) -> str:
    """The reason in the reader's language."""
    template = REASONS.get(revision.reason, REASONS["edited"])
    detail = revision.detail or "—"
    return str(template) % {"detail": detail} if "%(detail)s" in str(template) else str(template)


# Recording ----------------------------------------------------------------------------


@dataclass
class _Batch:
    user: object
    reason: str
    detail: str
    parent: "_Batch | None" = None
    touched: dict = field(default_factory=dict)  # issue id → (reason, detail, user)


_batch: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar("kb_revision", default=None)


@contextmanager
def revision(*, user=None, reason: str = "edited", detail: str = ""):
    """Record one revision per entry saved inside the block, when the block ends.

    Nested blocks hand their entries to the outer one, keeping their own, more
    specific reason (an approval inside an admin action is "approved", not "edited").
    Nothing is recorded when the block raises.
    """
    parent = _batch.get()
    batch = _Batch(user=user, reason=reason, detail=str(detail), parent=parent)
    token = _batch.set(batch)
    try:
        yield batch
    finally:
        _batch.reset(token)
    if parent is not None:
        for issue_id, value in batch.touched.items():
            parent.touched[issue_id] = value
        return
    if transaction.get_connection().needs_rollback:
        return  # a dry run (or a failed block) rolls back; it has nothing to record
    for issue_id, (key, text, who) in batch.touched.items():
        record(issue_id, user=who, reason=key, detail=text)


def _request_user():
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def touch(issue_id: int | None, *, instance=None, created: bool = False) -> None:
    """Note that the entry changed; record it now unless a ``revision()`` block is open."""
    if not issue_id:
        return
    explicit = reason_key(getattr(instance, "_change_reason", None))
    batch = _batch.get()
    if batch is not None:
        if explicit is None and issue_id in batch.touched:
            return
        key, text = explicit or (batch.reason, batch.detail)
        if key == batch.reason and not text:
            text = batch.detail  # "approved" on the row; by whom is the block's to say
        who = batch.user or getattr(instance, "_history_user", None)
        batch.touched[issue_id] = (key, text, who)
        return
    key, text = explicit or ("created" if created else "edited", "")
    user = getattr(instance, "_history_user", None) or _request_user()
    record(issue_id, user=user, reason=key, detail=text)


def record(issue_id: int, *, user=None, reason: str = "edited", detail: str = ""):
    """Write the entry's next revision, unless nothing an editor sees changed."""
    issue = (
        Issue.objects.select_related("product", "approved_by")
        .prefetch_related("tags", "error_codes", "related")
        .filter(pk=issue_id)
        .first()
    )
    if issue is None:  # deleted in the same block
        return None
    state = entry_state(issue)
    last = issue.revisions.order_by("-number").first()
    if last is not None and last.state == state:
        return None
    if last is None and reason == "edited":
        reason = "created"
    if user is not None and not getattr(user, "pk", None):
        user = None
    return EntryRevision.objects.create(
        issue=issue,
        number=(last.number + 1) if last else 1,
        user=user,
        reason=reason,
        detail=str(detail)[:255],
        state=state,
    )


def record_baselines() -> int:
    """Give every entry without revisions its first one (content loaded as raw rows)."""
    count = 0
    for issue_id in Issue.objects.filter(revisions__isnull=True).values_list("pk", flat=True):
        if record(issue_id, reason="recorded"):
            count += 1
    return count


def _on_issue_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw:
        touch(instance.pk, instance=instance, created=created)


def _on_part_changed(sender, instance, raw=False, origin=None, **kwargs):
    # Parts deleted along with their entry leave no revision (the entry's go with it).
    deleting_entries = isinstance(origin, Issue) or getattr(origin, "model", None) is Issue
    if not raw and not deleting_entries:
        touch(instance.issue_id, instance=instance)


def _m2m_handler():
    def handler(sender, instance, action, reverse, pk_set, **kwargs):
        if action == "pre_clear":
            instance._revision_cleared = _linked_issue_ids(sender, instance, reverse)
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        ids = set()
        if isinstance(instance, Issue):
            ids.add(instance.pk)
        if sender is Issue.related.through or not isinstance(instance, Issue):
            ids |= set(pk_set or ()) | getattr(instance, "_revision_cleared", set())
        for issue_id in sorted(ids):
            touch(issue_id, instance=instance if isinstance(instance, Issue) else None)

    return handler


def _linked_issue_ids(sender, instance, reverse) -> set:
    if not isinstance(instance, Issue):  # a code's or a tag's issues
        return set(instance.issues.values_list("pk", flat=True))
    if sender is Issue.related.through:
        return set(instance.related.values_list("pk", flat=True))
    return set()


def connect() -> None:
    post_save.connect(_on_issue_saved, sender=Issue, dispatch_uid="kb-revision-issue")
    for model in (Symptom, Cause, Fix):
        for signal in (post_save, post_delete):
            signal.connect(_on_part_changed, sender=model, dispatch_uid=f"kb-revision-{model}")
    # The admin's code inline on an entry saves link rows directly, without m2m_changed.
    for signal in (post_save, post_delete):
        signal.connect(
            _on_part_changed, sender=ErrorCode.issues.through, dispatch_uid=f"kb-rev-link-{signal}"
        )
    for through in (Issue.tags.through, Issue.related.through, ErrorCode.issues.through):
        m2m_changed.connect(_m2m_handler(), sender=through, dispatch_uid=f"kb-rev-{through}")


# Reading and comparing ---------------------------------------------------------------


def local_time(value) -> str:
    """A time in TIME_ZONE, to the minute."""
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def revision_label(revision: EntryRevision) -> str:
    who = revision.user.get_username() if revision.user else "—"
    when = local_time(revision.created_at)
    return f"#{revision.number} · {when} · {who} · {describe_reason(revision)}"


def _field_label(name: str) -> str:
    if name == "product":
        return str(Issue._meta.get_field("product").verbose_name)
    return str(Issue._meta.get_field(name).verbose_name)


def _field_value(name: str, fields: dict) -> str:
    value = fields.get(name)
    if value in (None, ""):
        return ""
    if name == "product":
        return fields.get("product_name") or str(value)
    if name == "status":
        return str(Issue.Status(value).label) if value in Issue.Status.values else value
    if name == "visibility":
        return str(Issue.Visibility(value).label) if value in Issue.Visibility.values else value
    if name == "published_at":
        moment = parse_datetime(value)
        return local_time(moment) if moment else value
    if name == "last_verified_on":
        day = parse_date(value)
        return date_format(day, "Y-m-d") if day else value
    return str(value)


def _fix_text(fix: dict) -> str:
    if fix.get("cause"):
        tie = _("(resolves cause %(number)s)") % {"number": fix["cause"]}
        return f"{tie}\n{fix['body']}"
    return fix["body"]


_TOKEN = re.compile(r"[A-Za-z0-9_.\-]+|\s+|.", re.S)


def inline_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Both texts as HTML, words removed in <del> on the left and added in <ins> on the right."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_part, new_part = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(old_part)
            right.append(new_part)
            continue
        if old_part:
            left.append(f"<del>{old_part}</del>")
        if new_part:
            right.append(f"<ins>{new_part}</ins>")
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 (parts escaped)


@dataclass
class ComparedRow:
    key: str
    label: str
    old: str
    new: str
    changed: bool
    old_html: SafeString | None = None
    new_html: SafeString | None = None


def _row(key: str, label: str, old: str, new: str) -> ComparedRow:
    row = ComparedRow(key, label, old, new, old != new)
    if row.changed and max(len(old), len(new)) > LONG_TEXT and old and new:
        row.old_html, row.new_html = inline_diff(old, new)
    return row


def compare_states(old: dict, new: dict) -> list[ComparedRow]:
    """Two states of an entry, field by field and part by part, with translated labels."""
    rows = []
    for name in (*CONTENT_FIELDS, *WORKFLOW_FIELDS):
        rows.append(
            _row(
                name,
                _field_label(name),
                _field_value(name, old["fields"]),
                _field_value(name, new["fields"]),
            )
        )
    rows.append(_row("tags", _("tags"), "、".join(old["tags"]), "、".join(new["tags"])))
    rows.append(
        _row(
            "codes",
            _("error codes"),
            "、".join(c["label"] for c in old.get("codes", [])),
            "、".join(c["label"] for c in new.get("codes", [])),
        )
    )
    rows.append(
        _row(
            "related",
            _("related issues"),
            "、".join(r["title"] for r in old.get("related", [])),
            "、".join(r["title"] for r in new.get("related", [])),
        )
    )
    for key, label, old_items, new_items in (
        ("symptom", _("symptom"), old["symptoms"], new["symptoms"]),
        ("cause", _("cause"), old["causes"], new["causes"]),
        (
            "fix",
            _("fix"),
            [_fix_text(f) for f in old["fixes"]],
            [_fix_text(f) for f in new["fixes"]],
        ),
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


def compare(old: EntryRevision, new: EntryRevision) -> list[ComparedRow]:
    return compare_states(old.state, new.state)


def changed_labels(revision: EntryRevision, previous: EntryRevision | None) -> list[str]:
    """What this revision changed, as translated labels ("title", "fix 1" …)."""
    if previous is None:
        return []
    return [row.label for row in compare(previous, revision) if row.changed]
