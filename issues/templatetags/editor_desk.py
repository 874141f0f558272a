"""The admin index as an editor's desk: what waits for this editor, in one screen."""

from django import template
from django.db.models import Count, Max

from issues import workflow
from issues.models import EntryRevision, Issue

register = template.Library()

DESK_ROWS = 8


@register.simple_tag
def editor_desk(user) -> dict:
    if not user.has_perm("issues.view_issue"):
        return {}
    drafts = (
        Issue.objects.filter(status=Issue.Status.DRAFT, revisions__user=user)
        .distinct()
        .order_by("-updated_at")[:DESK_ROWS]
    )
    waiting = []
    if user.has_perm("issues.approve_issue"):
        for issue in Issue.objects.filter(status=Issue.Status.REVIEW).order_by("updated_at"):
            if workflow.self_approval_allowed() or user.pk not in workflow.authors_since_approval(
                issue
            ):
                waiting.append(issue)
            if len(waiting) >= DESK_ROWS:
                break
    imports = (
        EntryRevision.objects.filter(reason="imported")
        .values("detail")
        .annotate(entries=Count("issue", distinct=True), last=Max("created_at"))
        .order_by("-last")[:5]
    )
    return {
        "drafts": list(drafts),
        "waiting": waiting,
        "due": list(workflow.due_for_review().order_by("last_verified_on", "title")[:DESK_ROWS]),
        "due_count": workflow.due_for_review().count(),
        "imports": list(imports),
        "can_approve": user.has_perm("issues.approve_issue"),
    }
