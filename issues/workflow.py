"""Every change of an issue's status, and restoring a revision: the one workflow module.

Draft → in review → published (recording who approved it and when) → archived, plus
unpublish, "last verified" dates and restoring an old revision. The admin, the
importer and management commands call these services; nothing else writes
``Issue.status``. See docs/editing.md.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issues import revisions
from issues.models import ErrorCode, Issue, Product, Tag
from issues.parts import FixSpec, sync_parts
from issues.revisions import CONTENT_FIELDS
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


class ApprovalRefused(TransitionNotAllowed):
    """The user may not approve this entry (no permission, or it is their own work)."""


class RestoreRefused(Exception):
    """Restoring that revision would leave the entry broken for readers."""


def self_approval_allowed() -> bool:
    return bool(getattr(settings, "KB_ALLOW_SELF_APPROVAL", False))


def _save(issue: Issue, *, user, reason: str, detail: str = "") -> Issue:
    key = revisions.reason_key(reason)
    with revisions.revision(user=user, reason=key[0] if key else "edited", detail=detail):
        issue._history_user = user
        issue._change_reason = reason
        issue.save()
    return issue


def authors_since_approval(issue: Issue) -> set[int]:
    """Users who wrote or submitted what is waiting for approval."""
    authors = set()
    for revision in issue.revisions.order_by("-number"):
        if revision.reason in ("approved", "published"):
            break
        if revision.user_id and revision.reason not in ("verified", "sent_back", "unpublished"):
            authors.add(revision.user_id)
    return authors


def check_approver(issue: Issue, user) -> None:
    """Refuse, with the reason, an approver without the permission or approving their own work."""
    if not user.has_perm("issues.approve_issue"):
        raise ApprovalRefused(
            _("You may not approve entries; ask an editor with the approve permission.")
        )
    if not self_approval_allowed() and user.pk in authors_since_approval(issue):
        raise ApprovalRefused(
            _("“%(title)s” was written or submitted by you; another editor must approve it.")
            % {"title": issue.title}
        )


def _mark_published(issue: Issue, *, approver, now: dt.datetime) -> None:
    issue.status = Issue.Status.PUBLISHED
    issue.approved_by = approver
    issue.approved_at = now
    issue.published_at = issue.published_at or now


def _approve(issue: Issue, *, user, reason: str) -> Issue:
    check_approver(issue, user)
    _mark_published(issue, approver=user, now=timezone.now())
    return _save(issue, user=user, reason=reason, detail=user.get_username())


@transaction.atomic
def issue_submit(*, issue: Issue, user) -> Issue:
    """Hand a draft to reviewers."""
    _require(issue, Issue.Status.DRAFT, step=_("submit for review"))
    issue.status = Issue.Status.REVIEW
    return _save(issue, user=user, reason="submitted for review")


@transaction.atomic
def issue_approve(*, issue: Issue, user) -> Issue:
    """Publish a reviewed issue, recording who approved it and when."""
    _require(issue, Issue.Status.REVIEW, step=_("approve and publish"))
    return _approve(issue, user=user, reason="approved")


@transaction.atomic
def issue_send_back(*, issue: Issue, user) -> Issue:
    """Return an issue in review to its author as a draft."""
    _require(issue, Issue.Status.REVIEW, step=_("send back to draft"))
    issue.status = Issue.Status.DRAFT
    return _save(issue, user=user, reason="sent back to draft")


@transaction.atomic
def issue_publish(*, issue: Issue, user) -> Issue:
    """Publish a draft or archived entry directly: the approver checks and approves in one step.

    The same rules as an approval apply (permission, not one's own work); the user is
    recorded as the approver.
    """
    _require(issue, Issue.Status.DRAFT, Issue.Status.ARCHIVED, step=_("publish"))
    return _approve(issue, user=user, reason="published")


@transaction.atomic
def issue_unpublish(*, issue: Issue, user) -> Issue:
    """Take an issue back to draft: readers get a 404 until it is approved again."""
    _require(issue, Issue.Status.PUBLISHED, step=_("unpublish"))
    issue.status = Issue.Status.DRAFT
    return _save(issue, user=user, reason="unpublished")


@transaction.atomic
def issue_archive(*, issue: Issue, user) -> Issue:
    """Retire an entry: readers no longer see it; it stays, with its history, for editors."""
    _require(
        issue,
        Issue.Status.DRAFT,
        Issue.Status.REVIEW,
        Issue.Status.PUBLISHED,
        step=_("archive"),
    )
    issue.status = Issue.Status.ARCHIVED
    return _save(issue, user=user, reason="archived")


@transaction.atomic
def issue_verify(*, issue: Issue, user, on: dt.date | None = None) -> Issue:
    """Record that someone checked the entry still holds (today unless ``on`` is given)."""
    issue.last_verified_on = on or timezone.localdate()
    return _save(issue, user=user, reason="verified")


def issue_set_imported_status(
    *,
    issue: Issue,
    status: str | None,
    publish: bool,
    user=None,
    approved_by=None,
    approved_at: dt.datetime | None = None,
    published_at: dt.datetime | None = None,
    recorded: bool = False,
) -> None:
    """Set the status fields of an entry the importer is about to save as one revision.

    ``publish`` (``--publish``) publishes, with ``user`` (who must hold the approve
    permission) recorded as the approver; ``status`` is what an export recorded and,
    with ``recorded``, the approval and publication dates it carries are kept as they
    were (a backup restores its records). Without either the status stays as it is.
    """
    if recorded:
        issue.approved_by = approved_by
        issue.approved_at = approved_at
        issue.published_at = published_at
    if publish and issue.status != Issue.Status.PUBLISHED:
        if user is not None and not user.has_perm("issues.approve_issue"):
            raise ApprovalRefused(_("You may not publish entries: import them as drafts."))
        # Importing with --publish is the importer's own approval of what it imports.
        _mark_published(issue, approver=user, now=timezone.now())
    elif not publish and status in Issue.Status.values:
        issue.status = status
    if issue.status == Issue.Status.PUBLISHED and not issue.published_at:
        issue.published_at = timezone.now()


def restore_problems(issue: Issue, state: dict) -> list[str]:
    """Why restoring ``state`` would be refused (empty when it may go ahead)."""
    if issue.status == Issue.Status.PUBLISHED and not state["fixes"]:
        return [
            str(
                _(
                    "That revision has no fix, and the entry is published: restoring it would "
                    "show readers a page with nothing to do. Unpublish the entry first, or "
                    "restore a revision with a fix."
                )
            )
        ]
    return []


def _restore_links(issue: Issue, state: dict, *, user, reason: str) -> None:
    tags = Tag.objects.filter(name__in=state["tags"])
    issue.tags.set(tags)
    wanted_codes = {c["id"] for c in state.get("codes", [])}
    current_codes = set(issue.error_codes.values_list("pk", flat=True))
    # Changed from the code's side: simple-history records the m2m of the declaring model.
    for code in ErrorCode.objects.filter(pk__in=wanted_codes - current_codes):
        code._history_user, code._change_reason = user, reason
        code.issues.add(issue)
    for code in ErrorCode.objects.filter(pk__in=current_codes - wanted_codes):
        code._history_user, code._change_reason = user, reason
        code.issues.remove(issue)
    related = Issue.objects.filter(pk__in=[r["id"] for r in state.get("related", [])])
    issue.related.set(related.exclude(pk=issue.pk))


@transaction.atomic
def issue_restore(*, issue: Issue, number: int, expected_version: int, user) -> Issue:
    """Write revision ``number``'s content, parts and links as a new revision on top.

    ``expected_version`` is the version the editor saw when choosing to restore: if
    the entry changed since, the restore is refused instead of overwriting that edit.
    The status is left as it is (restoring content is not publishing it), and a
    published entry is never left without a fix. A restore can itself be restored.
    """
    current = Issue.objects.select_for_update().get(pk=issue.pk)
    if current.version != expected_version:
        raise StaleEditError(current)
    target = current.revisions.get(number=number)
    state = target.state
    problems = restore_problems(current, state)
    if problems:
        raise RestoreRefused(" ".join(str(p) for p in problems))
    reason = f"restored revision {number}"
    with revisions.revision(user=user, reason="restored", detail=str(number)):
        fields = state["fields"]
        for name in CONTENT_FIELDS:
            value = fields.get(name)
            if name == "slug" and Issue.objects.filter(slug=value).exclude(pk=current.pk).exists():
                continue  # another entry uses that slug now; keep the current one
            if name == "product":
                if Product.objects.filter(pk=value).exists():
                    current.product_id = value
                continue
            setattr(current, name, value if value is not None else "")
        _save(current, user=user, reason=reason, detail=str(number))
        _restore_links(current, state, user=user, reason=reason)
        sync_parts(
            current,
            symptoms=state["symptoms"],
            causes=state["causes"],
            fixes=[FixSpec(f["body"], f.get("cause")) for f in state["fixes"]],
            reason=reason,
            user=user,
        )
    return current


def code_set_imported_status(*, code: ErrorCode, status: str | None, publish: bool) -> None:
    """An imported error code's status, set before the importer saves it.

    ``publish`` publishes; ``status`` is what an export recorded; a code first met in a
    document imported as drafts stays a draft, visible only through a published entry.
    """
    if publish:
        code.status = ErrorCode.Status.PUBLISHED
    elif status in ErrorCode.Status.values:
        code.status = status
    elif code._state.adding:
        code.status = ErrorCode.Status.DRAFT
