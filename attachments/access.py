"""Who may fetch an attachment: whoever may read a page that shows it.

An attachment is not tied to one entry: the same screenshot may appear in several,
and editors paste its Markdown where they like. So the rule is read from the text:
readers get it when a symptom, cause, fix or summary of an entry they may read, or
the description or fix of an error code they may read, contains its URL. Internal
notes do not count (readers never see them). Editors may fetch every attachment.
"""

from django.db.models import Q

from issues.models import Cause, ErrorCode, Fix, Symptom
from issues.selectors import can_preview_unpublished, readable_issues


def can_fetch(user, attachment) -> bool:
    if can_preview_unpublished(user):
        return True
    marker = f"/{attachment.key}/"
    issues = readable_issues(user)
    if issues.filter(summary__contains=marker).exists():
        return True
    for part in (Fix, Cause, Symptom):
        field = "body" if part is Fix else "text"
        if part.objects.filter(**{f"{field}__contains": marker, "issue__in": issues}).exists():
            return True
    return (
        ErrorCode.objects.visible_to(user)
        .filter(Q(description__contains=marker) | Q(fix__contains=marker))
        .exists()
    )
