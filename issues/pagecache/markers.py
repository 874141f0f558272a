"""What a cached page's key is made of: when an issue's content last changed and
fingerprints of its links, read with the issue row in one query.

Symptoms, causes and fixes carry no timestamp, but their history does (a deletion
writes history too); linking an older code or related issue moves no timestamp, so
links are fingerprinted as well. See docs/caching.md.
"""

from datetime import datetime
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, Max, OuterRef, QuerySet, Subquery, Sum
from django.db.models.expressions import RawSQL
from django.http import Http404

from issues import selectors
from issues.models import Cause, ErrorCode, Fix, Issue, Symptom

# Larger than any version a row will reach, so (id, version) pairs of links do not collide.
LINK_ID_WEIGHT = 1_000_003
CHANGE_STAMPS = (
    "symptoms_changed_at",
    "causes_changed_at",
    "fixes_changed_at",
    "codes_changed_at",
    "related_changed_at",
)


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
    """Annotate when anything the issue page shows last changed, in the same query."""
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
    stamps = [issue.updated_at, *(getattr(issue, name, None) for name in CHANGE_STAMPS)]
    return max(stamp for stamp in stamps if stamp is not None)


def _link_fingerprint(through, *, issue_field: str, target_field: str):
    """A subquery: the sum over the linked rows of (id, version) folded into one integer.

    It changes when a link is added or removed or its target is edited (versions only grow).
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
    """Annotate the tags, error codes and related issues the page lists."""
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

    Compiling the eight subqueries with the ORM costs several times more than running
    them, so they are compiled once and kept as SQL; each request clones this queryset.
    """
    annotated = with_links_fingerprint(with_content_changed_at(Issue.objects.all()))
    compiler = annotated.query.get_compiler(connection=connections[DEFAULT_DB_ALIAS])
    compiled = {}
    for name, expression in annotated.query.annotations.items():
        sql, params = compiler.compile(expression)
        # SQL the ORM itself just compiled, with its parameters kept apart: no user input.
        compiled[name] = RawSQL(sql, params, output_field=expression.output_field)  # noqa: S611
    return Issue.objects.select_related("product").annotate(**compiled)


# (vendor, audience) → the issues such a reader may open, with markers; never evaluated.
_readable: dict[tuple[str, str], QuerySet[Issue]] = {}


def _readable_with_markers(user) -> QuerySet[Issue]:
    """Combined once per audience: readers of one audience may open the same issues
    (fragments.audience), and combining querysets costs more than the query."""
    from issues.pagecache.fragments import audience  # fragments imports this module

    key = (connections[DEFAULT_DB_ALIAS].vendor, audience(user))
    if key not in _readable:
        markers = _issues_with_change_markers(key[0])
        _readable[key] = markers & selectors.readable_issues(user)
    return _readable[key]


def issue_head(*, slug: str, user) -> Issue:
    """The issue row with its product and change markers, in one query; Http404 if unreadable.

    Enough to decide whether cached content is current; the parts come from
    selectors.issue_page_parts only when it is not.
    """
    queryset = _readable_with_markers(user)
    try:
        return queryset.get(slug=slug)
    except Issue.DoesNotExist:
        raise Http404("No such issue.") from None


def home_page_fingerprint(page: selectors.HomePage) -> tuple:
    """Everything the home page shows, in a comparable form (for its ETag)."""
    return (
        [(p.slug, p.name, p.issue_count, p.code_count) for p in page.products],
        [(t.slug, t.name, t.issue_count) for t in page.tags],
        [
            (i.slug, i.title, i.summary, i.view_count, i.updated_at, i.product.slug)
            for i in (*page.most_viewed, *page.recently_updated)
        ],
    )
