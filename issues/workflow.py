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

from issues.models import Issue, Tag
from issues.parts import sync_parts
from issues.revisions import snapshot
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


def _mark_published(issue: Issue, *, approver, now: dt.datetime) -> None:
    issue.status = Issue.Status.PUBLISHED
    issue.approved_by = approver
    issue.approved_at = now
    issue.published_at = issue.published_at or now


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
    _mark_published(issue, approver=user, now=timezone.now())
    return _save(issue, user=user, reason="approved")


@transaction.atomic
def issue_send_back(*, issue: Issue, user) -> Issue:
    """Return an issue in review to its author as a draft."""
    _require(issue, Issue.Status.REVIEW, step=_("send back to draft"))
    issue.status = Issue.Status.DRAFT
    return _save(issue, user=user, reason="sent back to draft")


@transaction.atomic
def issue_publish(*, issue: Issue, user, reason: str = "published") -> Issue:
    """Make an issue visible to readers (within its visibility) without a review step."""
    issue.status = Issue.Status.PUBLISHED
    issue.published_at = issue.published_at or timezone.now()
    return _save(issue, user=user, reason=reason)


@transaction.atomic
def issue_unpublish(*, issue: Issue, user) -> Issue:
    """Take an issue back to draft: readers get a 404 until it is published again."""
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
    approved_by=None,
    approved_at: dt.datetime | None = None,
    published_at: dt.datetime | None = None,
    recorded: bool = False,
) -> None:
    """Set the status fields of an entry the importer is about to save as one revision.

    ``publish`` (``--publish``) publishes; ``status`` is what an export recorded and,
    with ``recorded``, the approval and publication dates it carries are kept as they
    were (a backup restores its records). Without either the status stays as it is.
    """
    if recorded:
        issue.approved_by = approved_by
        issue.approved_at = approved_at
        issue.published_at = published_at
    if publish:
        issue.status = Issue.Status.PUBLISHED
    elif status in Issue.Status.values:
        issue.status = status
    if issue.status == Issue.Status.PUBLISHED and not issue.published_at:
        issue.published_at = timezone.now()


@transaction.atomic
def issue_restore(*, issue: Issue, history_id: int, expected_version: int, user) -> Issue:
    """Write an old revision's content as a new revision on top of the current one.

    ``expected_version`` is the version the editor saw when choosing to restore: if
    the entry changed since, the restore is refused instead of overwriting that edit.
    The status is left as it is: restoring content is not publishing it.
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
