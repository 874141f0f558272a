"""Writes with side effects. Keyword-only arguments, one job each."""

from issues.models import ErrorCode, Feedback, Issue
from kbsite.privacy import mask_personal_data
from kbsite.ratelimit import Rate, RateLimited, hit


class FeedbackRateLimited(Exception):
    """The client sent more feedback than the rate limit allows."""


def feedback_submit(
    *,
    issue: Issue | None = None,
    error_code: ErrorCode | None = None,
    helpful: bool,
    comment: str = "",
    client: str,
) -> Feedback:
    """Record a reader's "did this solve your problem?" answer about an issue or an error code.

    ``client`` identifies the sender for the rate limit (the client address); it is
    not stored with the answer.
    """
    if (issue is None) == (error_code is None):
        raise ValueError("feedback is about exactly one issue or error code")
    try:
        hit(f"feedback:{client}", rate=Rate.from_setting("FEEDBACK_RATE_LIMIT"))
    except RateLimited as exc:
        raise FeedbackRateLimited from exc
    return Feedback.objects.create(
        issue=issue,
        error_code=error_code,
        helpful=helpful,
        comment=mask_personal_data(comment.strip()),
    )
