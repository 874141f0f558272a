"""Template tags for the core's pages (issue, code, home) to link the flows covering them,
and for the diagnosis pages' times."""

from django import template

from diagnosis.selectors import (
    flows_by_product,
    flows_for_error_code,
    flows_for_issue,
    flows_for_search,
)
from diagnosis.times import zone_label

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def flows_covering(context):
    """Published flows the reader may see for the page's `issue` or `code`/`error_code`."""
    user = _user(context)
    if context.get("issue") is not None:
        return flows_for_issue(issue=context["issue"], user=user)
    code = context.get("error_code") or context.get("code")
    if code is not None and hasattr(code, "normalized_code"):
        return flows_for_error_code(error_code=code, user=user)
    return []


@register.simple_tag(takes_context=True)
def covering_code(context):
    """On an error code's page, its code: the flow links carry it (?code=-1019) so the
    walk starts with that code's answer chosen."""
    if context.get("issue") is not None:
        return ""
    code = context.get("error_code") or context.get("code")
    return code.code if code is not None and hasattr(code, "normalized_code") else ""


@register.simple_tag(takes_context=True)
def flows_per_product(context):
    return flows_by_product(user=_user(context))


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.simple_tag(takes_context=True)
def flows_for_results(context, results, query="", found_ids=()):
    """Flows covering the entries on a search results page, or named by the query,
    except those already among the results (``found_ids``: every entry found)."""
    entries = [getattr(result, "entry", result) for result in results or []]
    return flows_for_search(
        issue_ids={e.issue_id for e in entries if getattr(e, "issue_id", None)},
        code_ids={e.error_code_id for e in entries if getattr(e, "error_code_id", None)},
        query=query or "",
        user=_user(context),
        exclude_entries=found_ids or (),
    )


@register.filter
def reader_display(item, parameters=()):
    """A checklist item's target with its placeholders named for a reader: 〈label〉."""
    text = item.target.display
    for parameter in parameters or ():
        text = text.replace("{" + parameter.name + "}", f"〈{parameter.label}〉")
    return text


@register.filter
def utc_offset(value):
    """The zone of a shown time (TIME_ZONE's offset then), e.g. "UTC+08:00"."""
    return zone_label(value) if value else ""
