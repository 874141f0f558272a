"""The plain-language answer for a result, and the fix page that covers the failure."""

from django.utils.translation import gettext as _

from issues.models import Issue
from probes.outcomes import DEFAULT_FIX_SLUGS, EXPLANATIONS, Outcome, is_failure


def fix_issue_for(outcome: str, *, item_issue: Issue | None = None) -> Issue | None:
    """The checklist item's own fix first; else the shipped fix for this kind of failure."""
    if not is_failure(outcome):
        return None
    if item_issue is not None:
        return item_issue
    slug = DEFAULT_FIX_SLUGS.get(outcome)
    if not slug:
        return None
    return Issue.objects.filter(slug=slug).first()


def explanation_text(outcome: str, *, reason: str = "", fix_issue: Issue | None = None) -> str:
    parts = [str(EXPLANATIONS[Outcome(outcome)])]
    if reason:
        parts.append(_("详情：%(reason)s") % {"reason": reason})
    if fix_issue is not None:
        parts.append(
            _("解决方法见《%(title)s》：%(url)s")
            % {"title": fix_issue.title, "url": fix_issue.get_absolute_url()}
        )
    return "\n".join(parts)
