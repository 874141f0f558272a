"""Reads for the public pages: each function fetches what one page shows, in few queries."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Count,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.http import Http404

from issues.codes import normalize_code
from issues.models import Cause, ErrorCode, Fix, Issue, Product, Symptom, Tag

HOME_LIST_LENGTH = 8
# Larger than any version a row will reach, so (id, version) pairs of links do not collide.
LINK_ID_WEIGHT = 1_000_003


def can_preview_unpublished(user) -> bool:
    """Editors may open drafts and archived entries on the public URL to check them."""
    return bool(getattr(user, "is_staff", False)) and user.has_perm("issues.change_issue")


def readable_issues(user) -> QuerySet[Issue]:
    """Every issue this user may open by URL."""
    if can_preview_unpublished(user):
        return Issue.objects.all()
    return Issue.objects.visible_to(user)


def _latest(model, *, issue_field: str, column: str):
    """A subquery: the newest ``column`` among ``model`` rows pointing at the outer issue."""
    rows = (
        model.objects.filter(**{issue_field: OuterRef("pk")})
        .order_by()
        .values(issue_field)
        .annotate(latest=Max(column))
        .values("latest")
    )
    return Subquery(rows)


def with_content_changed_at(queryset: QuerySet[Issue]) -> QuerySet[Issue]:
    """Annotate when anything the issue page shows last changed, in the same query.

    Symptoms, causes and fixes carry no timestamp, but their history does, and a
    deletion writes history too. Renamed tags or products are not tracked here.
    """
    return queryset.annotate(
        symptoms_changed_at=_latest(
            Symptom.history.model, issue_field="issue_id", column="history_date"
        ),
        causes_changed_at=_latest(
            Cause.history.model, issue_field="issue_id", column="history_date"
        ),
        fixes_changed_at=_latest(Fix.history.model, issue_field="issue_id", column="history_date"),
        codes_changed_at=_latest(
            ErrorCode.issues.through, issue_field="issue_id", column="errorcode__updated_at"
        ),
        related_changed_at=_latest(
            Issue.related.through, issue_field="from_issue_id", column="to_issue__updated_at"
        ),
    )


def content_changed_at(issue: Issue) -> datetime:
    stamps = [
        issue.updated_at,
        *(
            getattr(issue, name, None)
            for name in (
                "symptoms_changed_at",
                "causes_changed_at",
                "fixes_changed_at",
                "codes_changed_at",
                "related_changed_at",
            )
        ),
    ]
    return max(stamp for stamp in stamps if stamp is not None)


def _link_fingerprint(through, *, issue_field: str, target_field: str):
    """A subquery: one number that changes when a link is added or removed or its target is edited.

    Linking an older code or related issue leaves every "latest" timestamp as it was,
    so cached page content is also keyed on this: the sum over the linked rows of
    (id, version) folded into one integer. Versions only grow, so an edit of a linked
    row changes it too.
    """
    rows = (
        through.objects.filter(**{issue_field: OuterRef("pk")})
        .order_by()
        .values(issue_field)
        .annotate(
            fingerprint=Sum(
                F(f"{target_field}_id") * LINK_ID_WEIGHT + F(f"{target_field}__version")
            )
        )
        .values("fingerprint")
    )
    return Subquery(rows)


def with_links_fingerprint(queryset: QuerySet[Issue]) -> QuerySet[Issue]:
    """Annotate the tags, error codes and related issues the page lists (see _link_fingerprint)."""
    return queryset.annotate(
        tags_fingerprint=_link_fingerprint(
            Issue.tags.through, issue_field="issue_id", target_field="tag"
        ),
        codes_fingerprint=_link_fingerprint(
            ErrorCode.issues.through, issue_field="issue_id", target_field="errorcode"
        ),
        related_fingerprint=_link_fingerprint(
            Issue.related.through, issue_field="from_issue_id", target_field="to_issue"
        ),
    )


@cache
def _issues_with_change_markers(vendor: str) -> QuerySet[Issue]:
    """Issues with their product and change markers; built once per process, never evaluated.

    Building and compiling the eight subqueries with the ORM costs several times more
    than running them, on every request. So they are compiled once, for the outer
    issues table, and kept as SQL; the page clones this queryset (which leaves it
    untouched) and only the plain outer query is compiled per request.
    """
    annotated = with_links_fingerprint(with_content_changed_at(Issue.objects.all()))
    compiler = annotated.query.get_compiler(connection=connections[DEFAULT_DB_ALIAS])
    compiled = {}
    for name, expression in annotated.query.annotations.items():
        sql, params = compiler.compile(expression)
        # SQL the ORM itself just compiled, with its parameters kept apart: no user input.
        compiled[name] = RawSQL(sql, params, output_field=expression.output_field)  # noqa: S611
    return Issue.objects.select_related("product").annotate(**compiled)


def issue_page_head(*, slug: str, user) -> Issue:
    """The issue row with its product and change markers, in one query; Http404 if unreadable.

    Enough to decide whether cached page content is still current
    (issues.page_cache); the parts come from issue_page_parts only when it is not.
    """
    markers = _issues_with_change_markers(connections[DEFAULT_DB_ALIAS].vendor)
    queryset = markers & readable_issues(user)
    try:
        return queryset.get(slug=slug)
    except Issue.DoesNotExist:
        raise Http404("No such issue.") from None


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
    return issue_page_parts(issue_page_head(slug=slug, user=user), user=user)


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


def home_page_fingerprint(page: HomePage) -> tuple:
    """Everything the home page shows, in a comparable form (for its ETag)."""
    return (
        [(p.slug, p.name, p.issue_count, p.code_count) for p in page.products],
        [(t.slug, t.name, t.issue_count) for t in page.tags],
        [
            (i.slug, i.title, i.summary, i.view_count, i.updated_at, i.product.slug)
            for i in (*page.most_viewed, *page.recently_updated)
        ],
    )


def error_code_for_page(*, product_slug: str, code: str, user) -> ErrorCode:
    """The code as typed in the URL ("-1019", "错误码-1019" …), with its explaining issues."""
    explaining = with_content_changed_at(
        Issue.objects.visible_to(user).select_related("product").prefetch_related("causes", "fixes")
    )
    queryset = ErrorCode.objects.select_related("product").prefetch_related(
        Prefetch("issues", queryset=explaining)
    )
    try:
        return queryset.get(product__slug=product_slug, normalized_code=normalize_code(code))
    except ErrorCode.DoesNotExist:
        raise Http404("No such error code.") from None


def error_code_index(*, query: str = "") -> list[tuple[Product, list[ErrorCode]]]:
    """Codes grouped by product, optionally narrowed by what the reader typed."""
    codes = ErrorCode.objects.select_related("product").order_by("product__name", "code")
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
