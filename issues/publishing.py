"""Publishing services: the only place an issue's status changes for readers."""

from django.db import transaction
from django.utils import timezone

from issues.models import Issue


@transaction.atomic
def issue_publish(*, issue: Issue, user) -> Issue:
    """Make an issue visible to readers (within its visibility)."""
    issue.status = Issue.Status.PUBLISHED
    if issue.published_at is None:
        issue.published_at = timezone.now()
    issue._history_user = user
    issue.save()
    return issue


@transaction.atomic
def issue_unpublish(*, issue: Issue, user) -> Issue:
    """Take an issue back to draft: readers get a 404 until it is published again."""
    issue.status = Issue.Status.DRAFT
    issue._history_user = user
    issue.save()
    return issue
