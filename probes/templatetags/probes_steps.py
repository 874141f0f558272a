"""The issue page's steps, for staff: a link to run a checklist at the step that needs it.

The shared issue fragment (cached for every reader) leaves an empty marker after each
step (templates/issues/_steps.html); only here, per request and for users who may run
probes, do markers become links.
"""

import html as html_lib
import re
from dataclasses import dataclass

from django import template
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from probes.access import can_run_probes
from probes.models import Checklist, ChecklistItem
from probes.selectors import checklists_by_step, checklists_for_issue

register = template.Library()

# Written by templates/issues/_steps.html after each step's text: <!--kb:step-tools:<fix pk>-->
STEP_MARKER = "<!--kb:step-tools:{key}-->"
STEP_MARKER_RE = re.compile(r"<!--kb:step-tools:(\d+)-->")
STEP_START = '<li class="step"'


@dataclass
class IssueChecklists:
    all: list[Checklist]
    by_step: dict[int, list[Checklist]]  # marker key → checklists offered at that step

    def placed_ids(self) -> set[int]:
        return {checklist.pk for found in self.by_step.values() for checklist in found}


def step_texts(content: str) -> dict[int, str]:
    """Marker key → the text of the step it closes, as the reader reads it."""
    pieces = STEP_MARKER_RE.split(content)
    texts = {}
    for before, key in zip(pieces[0::2], pieces[1::2], strict=False):
        step = before[before.rfind(STEP_START) :] if STEP_START in before else before
        texts[int(key)] = html_lib.unescape(strip_tags(step))
    return texts


def issue_checklists(context) -> IssueChecklists | None:
    """The page issue's checklists and where they go, or None for users who may not run probes.

    Kept on the request: the steps and the list below the article ask in one render.
    """
    issue = context.get("issue")
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if issue is None or not can_run_probes(user):
        return None
    memo = getattr(request, "_probe_issue_checklists", None)
    if memo is not None and memo[0] == issue.pk:
        return memo[1]
    checklists = list(
        checklists_for_issue(issue).prefetch_related(
            Prefetch("items", queryset=ChecklistItem.objects.select_related("target"))
        )
    )
    content = context.get("content")
    main = str(getattr(content, "main", ""))
    found = IssueChecklists(
        all=checklists, by_step=checklists_by_step(step_texts(main), checklists)
    )
    if request is not None:
        request._probe_issue_checklists = (issue.pk, found)
    return found


@register.simple_tag(takes_context=True)
def with_step_checklists(context, content: str) -> SafeString:
    """``content`` (the shared issue HTML) with each checklist's link at its step."""
    found = issue_checklists(context)
    for key, checklists in (found.by_step if found else {}).items():
        tools = render_to_string("probes/_step_checklists.html", {"checklists": checklists})
        content = content.replace(STEP_MARKER.format(key=key), tools, 1)
    # ``content`` is our own rendered, sanitized fragment; ``tools`` an autoescaped template.
    return mark_safe(content)  # noqa: S308
