"""Reads other apps use: which checklists help with an issue or an error code."""

from django.db.models import Count, Q, QuerySet

from probes.models import PLACEHOLDER_RE, Checklist


def _with_item_count(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(item_count=Count("items", distinct=True)).order_by("title")


def checklists_for_issue(issue) -> QuerySet:
    """Checklists linked to the issue itself or to one of its error codes."""
    return _with_item_count(
        Checklist.objects.filter(Q(issues=issue) | Q(error_codes__issues=issue)).distinct()
    )


def checklists_for_error_code(code) -> QuerySet:
    """Checklists linked to the code itself or to an issue that explains it."""
    return _with_item_count(
        Checklist.objects.filter(Q(error_codes=code) | Q(issues__error_codes=code)).distinct()
    )


def host_names(checklist: Checklist) -> set[str]:
    """The host names its targets check, as a fix's text would spell them (lowercase).

    A name with a placeholder keeps its longest fixed part: "{sso_prefix}.sso.meeting.qq.com"
    is found in a text that writes "XXXX.sso.meeting.qq.com". Parts without a dot or a
    colon ("{external_host}", "localhost") are too vague to find in prose.
    """
    names = set()
    for item in checklist.items.all():
        parts = [part.strip(".") for part in PLACEHOLDER_RE.split(item.target.host)[::2]]
        longest = max(parts, key=len, default="")
        if "." in longest or ":" in longest:
            names.add(longest.lower())
    return names


def checklists_by_step(steps: dict[int, str], checklists) -> dict[int, list[Checklist]]:
    """Step key → the checklists to offer at that step, from each step's text (in page order).

    A checklist sits at the step whose text names most of its hosts (the first on a tie),
    the step that tells the reader to test those endpoints; one no step names is left out.
    """
    texts = {key: text.lower() for key, text in steps.items()}
    placed: dict[int, list[Checklist]] = {}
    for checklist in checklists:
        names = host_names(checklist)
        best, best_count = None, 0
        for key, text in texts.items():
            count = sum(1 for name in names if name in text)
            if count > best_count:
                best, best_count = key, count
        if best is not None:
            placed.setdefault(best, []).append(checklist)
    return placed
