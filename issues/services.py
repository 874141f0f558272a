"""Writes with side effects. Keyword-only arguments, one job each."""

from kbsite.ratelimit import Rate, RateLimited, hit
from issues.models import Feedback, Issue

class FeedbackRateLimited(Exception):
    """The client sent more feedback than the rate limit allows."""


def feedback_submit(*, issue: Issue, helpful: bool, comment: str = "", client: str) -> Feedback:
    """Record a reader's "did this solve your problem?" answer.

    ``client`` identifies the sender for the rate limit (the client address); it is
    not stored with the answer.
    """
    try:
        hit(f"feedback:{client}", rate=Rate.from_setting("FEEDBACK_RATE_LIMIT"))
    except RateLimited as exc:
        raise FeedbackRateLimited from exc
    return Feedback.objects.create(issue=issue, helpful=helpful, comment=comment.strip())

