"""Writes with side effects. Keyword-only arguments, one job each."""

from django.conf import settings
from django.db.models import F

from issues import ratelimit
from issues.models import Feedback, Issue

# Answers one client may send per window; override with KB_FEEDBACK_RATE = (count, seconds).
DEFAULT_FEEDBACK_RATE = (5, 600)


class FeedbackRateLimited(Exception):
    """The client sent more feedback than the rate limit allows."""


def feedback_rate() -> tuple[int, int]:
    return tuple(getattr(settings, "KB_FEEDBACK_RATE", DEFAULT_FEEDBACK_RATE))


def feedback_submit(*, issue: Issue, helpful: bool, comment: str = "", client: str) -> Feedback:
    """Record a reader's "did this solve your problem?" answer.

    ``client`` identifies the sender for the rate limit (the client address); it is
    not stored with the answer.
    """
    limit, window = feedback_rate()
    if not ratelimit.allow(f"feedback:{client}", limit=limit, window_seconds=window):
        raise FeedbackRateLimited
    return Feedback.objects.create(issue=issue, helpful=helpful, comment=comment.strip())


def issue_record_view(*, issue: Issue) -> None:
    """Count one page view.

    A single UPDATE with F(): concurrent readers never lose a count, and the row's
    version and updated_at stay untouched, so an editor's open form does not go stale.
    """
    Issue.objects.filter(pk=issue.pk).update(view_count=F("view_count") + 1)
