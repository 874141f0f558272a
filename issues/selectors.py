"""Reads for the public pages: each function fetches what one page shows, in few queries.

What cached pages are keyed on (change times, link fingerprints) is in issues/pagecache/markers.py.
"""

from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404

from issues.codes import normalize_code
from issues.models import Cause, ErrorCode, Fix, Issue, Product, Tag

HOME_LIST_LENGTH = 8


def can_preview_unpublished(user) -> bool:
    """Editors may open drafts and archived entries on the public URL to check them."""
    return bool(getattr(user, "is_staff", False)) and user.has_perm("issues.change_issue")


def readable_issues(user) -> QuerySet[Issue]:
    """Every issue this user may open by URL."""
    if can_preview_unpublished(user):
        return Issue.objects.all()
    return Issue.objects.visible_to(user)


def issue_page_parts(issue: Issue, *, user) -> Issue:
    """Fetch what the page lists under the issue (tags, symptoms, causes, fixes, codes, related)."""
    visible_related = (
        readable_issues(user)
        .select_related("product")
        .only("slug", "title", "summary", "status", "visibility", "product__name", "product__slug")
    )
    prefetch_related_objects(
        [issue],
        "tags",
        "symptoms",
        "causes",
        "fixes",
        Prefetch("error_codes", queryset=ErrorCode.objects.select_related("product")),
        Prefetch("related", queryset=visible_related),
    )
    return issue


def issue_for_page(*, slug: str, user) -> Issue:
    """The issue with everything its page shows, or Http404 if this user may not read it."""
    try:
        issue = readable_issues(user).select_related("product").get(slug=slug)
    except Issue.DoesNotExist:
        raise Http404("No such issue.") from None
    return issue_page_parts(issue, user=user)


@dataclass
class Step:
    number: int
    fix: Fix


@dataclass
class CauseSection:
    number: int
    cause: Cause
    steps: list[Step] = field(default_factory=list)


@dataclass
class IssueOutline:
    """Causes, each followed by the fixes tied to it, then the fixes tied to no cause.

    Steps are numbered once across the page, so "step 3" means one thing.
    """

    causes: list[CauseSection]
    other_steps: list[Step]

    @property
    def step_count(self) -> int:
        return sum(len(section.steps) for section in self.causes) + len(self.other_steps)


def issue_outline(issue: Issue) -> IssueOutline:
    """Build the outline from prefetched causes and fixes (no queries)."""
    sections = [
        CauseSection(number=index, cause=cause)
        for index, cause in enumerate(issue.causes.all(), start=1)
    ]
    by_cause = {section.cause.pk: section for section in sections}
    untied: list[Fix] = []
    for fix in issue.fixes.all():
        section = by_cause.get(fix.cause_id)
        if section is None:
            untied.append(fix)
        else:
            section.steps.append(fix)
    number = 0
    for section in sections:
        numbered = []
        for fix in section.steps:
            number += 1
            numbered.append(Step(number=number, fix=fix))
        section.steps = numbered
    other_steps = []
    for fix in untied:
        number += 1
        other_steps.append(Step(number=number, fix=fix))
    return IssueOutline(causes=sections, other_steps=other_steps)


@dataclass
class HomePage:
    products: list[Product]
    tags: list[Tag]
    most_viewed: list[Issue]
    recently_updated: list[Issue]


def home_page(*, user) -> HomePage:
    visible = Issue.objects.visible_to(user)
    visible_ids = visible.values("pk")
    products = (
        Product.objects.annotate(
            issue_count=Count("issues", filter=Q(issues__in=visible_ids), distinct=True),
            code_count=Count("error_codes", distinct=True),
        )
        .filter(Q(issue_count__gt=0) | Q(code_count__gt=0))
        .order_by("name")
    )
    tags = (
        Tag.objects.annotate(issue_count=Count("issues", filter=Q(issues__in=visible_ids)))
        .filter(issue_count__gt=0)
        .order_by("-issue_count", "name")
    )
    listed = visible.select_related("product").only(
        "slug", "title", "summary", "view_count", "updated_at", "product__name", "product__slug"
    )
    return HomePage(
        products=list(products),
        tags=list(tags),
        most_viewed=list(listed.order_by("-view_count", "title")[:HOME_LIST_LENGTH]),
        recently_updated=list(listed.order_by("-updated_at", "title")[:HOME_LIST_LENGTH]),
    )


def explaining_issues(user) -> QuerySet[Issue]:
    """The issues a code page lists under the code, with what their outlines need."""
    return (
        Issue.objects.visible_to(user).select_related("product").prefetch_related("causes", "fixes")
    )


def error_code_for_page(
    *, product_slug: str, code: str, user, explaining: QuerySet[Issue] | None = None
) -> ErrorCode:
    """The code as typed in the URL ("-1019", "错误码-1019" …), with its explaining issues.

    ``explaining``: the issues to list (default ``explaining_issues(user)``), for a
    caller that annotates them.
    """
    if explaining is None:
        explaining = explaining_issues(user)
    # A draft code has a page only through a published entry the reader may see.
    queryset = (
        ErrorCode.objects.visible_to(user)
        .select_related("product")
        .prefetch_related(Prefetch("issues", queryset=explaining))
    )
    try:
        return queryset.get(product__slug=product_slug, normalized_code=normalize_code(code))
    except ErrorCode.DoesNotExist:
        raise Http404("No such error code.") from None


def error_code_index(*, query: str = "") -> list[tuple[Product, list[ErrorCode]]]:
    """Codes grouped by product, optionally narrowed by what the reader typed."""
    codes = ErrorCode.objects.readable().select_related("product").order_by("product__name", "code")
    query = query.strip()
    if query:
        codes = codes.filter(
            Q(normalized_code=normalize_code(query))
            | Q(code__icontains=query)
            | Q(constant__icontains=query)
            | Q(description__icontains=query)
            | Q(callbacks__icontains=query)
        )
    groups: dict[int, tuple[Product, list[ErrorCode]]] = {}
    for code in codes:
        groups.setdefault(code.product_id, (code.product, []))[1].append(code)
    return list(groups.values())
