"""Reads other apps use: which checklists help with an issue or an error code."""

from django.db.models import Count, Q, QuerySet

from probes.models import Checklist


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
