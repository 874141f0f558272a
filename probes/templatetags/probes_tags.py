"""Template tags for other apps' pages (the issue and error-code pages)."""

from django import template

from probes.access import can_run_probes
from probes.selectors import checklists_for_error_code
from probes.status import monitors_for
from probes.templatetags.probes_steps import issue_checklists

register = template.Library()


@register.simple_tag(takes_context=True)
def related_checklists(context):
    """Checklists for the page's `issue` or `error_code`, for users who may run them; else []."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if not can_run_probes(user):
        return []
    if context.get("issue") is not None:
        # Those offered at the step that needs them are not repeated below the article.
        found = issue_checklists(context)
        return [c for c in found.all if c.pk not in found.placed_ids()]
    if context.get("error_code") is not None:
        return list(checklists_for_error_code(context["error_code"]))
    return []


@register.simple_tag(takes_context=True)
def related_monitors(context):
    """Monitors watching what the page's fix depends on, for users who may run probes; else []."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if not can_run_probes(user):
        return []
    return monitors_for(issue=context.get("issue"), error_code=context.get("error_code"))
