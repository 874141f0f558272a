"""The issue page's expensive part (header, symptoms, causes, fixes, codes, related),
rendered once per audience, language and edit, and shared by every such reader.

The key holds everything the fragments depend on (markers.py, the language, time
zone, audience and release digest), so an edit shows on the next request with no
invalidation step. Rendered without the request: nothing per-reader can leak in.
See docs/caching.md.
"""

import hashlib
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from issues import selectors
from issues.models import Issue, can_read_internal
from issues.pagecache import markers, store
from issues.pagecache.release import release_digest

KEY_PREFIX = "issue-page"
MAIN_TEMPLATE = "issues/_issue_main.html"
RELATED_TEMPLATE = "issues/_issue_related.html"


@dataclass(frozen=True)
class IssueContent:
    main: SafeString  # header, symptoms, causes and fixes, error codes
    related: SafeString  # the related issues this audience may open


def audience(user) -> str:
    """Readers who see the same related issues (see selectors.readable_issues)."""
    if selectors.can_preview_unpublished(user):
        return "preview"
    if can_read_internal(user):
        return "internal"
    return "public"


def fragment_key(issue: Issue, *, user) -> str:
    """The cache key for ``issue`` (from markers.issue_head) as this reader sees it."""
    parts = (
        release_digest(),
        issue.pk,
        issue.version,
        markers.content_changed_at(issue).isoformat(),
        issue.tags_fingerprint,
        issue.codes_fingerprint,
        issue.related_fingerprint,
        issue.product.version,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        audience(user),
    )
    hashed = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"{KEY_PREFIX}:{issue.pk}:{hashed}"


def _render(issue: Issue, *, user) -> dict[str, str]:
    selectors.issue_page_parts(issue, user=user)
    context = {"issue": issue, "outline": selectors.issue_outline(issue)}
    return {
        "main": render_to_string(MAIN_TEMPLATE, context),
        "related": render_to_string(RELATED_TEMPLATE, context),
    }


def issue_content(issue: Issue, *, user) -> IssueContent:
    """The shared part of the issue page, from the cache when it is current."""
    key = fragment_key(issue, user=user)
    fragments = store.get(key)
    if fragments is None:
        fragments = _render(issue, user=user)
        store.put(key, fragments)
    # Rendered by our own templates from sanitized Markdown, escaped like any page.
    return IssueContent(
        main=mark_safe(fragments["main"]),  # noqa: S308
        related=mark_safe(fragments["related"]),  # noqa: S308
    )
