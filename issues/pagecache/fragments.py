"""The issue page's expensive part, rendered once and shared by every reader who sees the same.

Rendering an issue costs its parts' queries, Markdown + nh3 for every cause and
fix, and the templates; all of it is identical for every reader of one audience
in one language. It is stored in Django's default cache (shared Redis in
production) under a key made of everything it depends on, so an edit is visible
on the very next request without any invalidation step:

- the issue's pk, version and the change time the Last-Modified header uses
  (selectors.content_changed_at: the issue, its symptoms, causes and fixes, its
  codes and related issues), plus fingerprints of its links (tags, codes,
  related issues) that change when a link is added or removed or a linked row
  is edited, and its product's version;
- the language and time zone (translated headings, localized dates);
- the audience (which related issues the reader may see);
- the release digest (kbsite/release.py: templates, translations, static
  manifest, Markdown pipeline), so a deploy never serves HTML made by the old code.

The fragments are rendered without the request: no CSRF token, user or other
per-reader data can end up in them. Internal notes, staff links, preview
banners, the view count and the feedback form stay in the page template.

Anonymous readers of a public entry (the bulk of the traffic) all get the same
page except for the view count and their CSRF token, so for them the whole page
is cached too, rendered with two unguessable placeholders ("holes") that are
filled per request; the cached HTML never holds a token.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.core.cache import cache as default_cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from issues import selectors
from issues.models import Issue, can_read_internal
from kbsite.release import release_digest

logger = logging.getLogger(__name__)

# Fragments are keyed on what they show, so they never need deleting; the
# timeout only bounds how long superseded ones occupy the cache.
FRAGMENT_TIMEOUT = 24 * 60 * 60
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
    """The cache key for ``issue`` (from selectors.issue_page_head) as this reader sees it."""
    parts = (
        release_digest(),
        issue.pk,
        issue.version,
        selectors.content_changed_at(issue).isoformat(),
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


def _cache_get(key: str):
    try:
        return default_cache.get(key)
    except Exception:  # a cache outage slows the page down, it must not break it
        logger.warning("issue page cache unavailable; rendering without it", exc_info=True)
        return None


def _cache_set(key: str, value) -> None:
    try:
        default_cache.set(key, value, FRAGMENT_TIMEOUT)
    except Exception:
        logger.warning("issue page cache unavailable; not storing", exc_info=True)


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
    fragments = _cache_get(key)
    if fragments is None:
        fragments = _render(issue, user=user)
        _cache_set(key, fragments)
    # Rendered by our own templates from sanitized Markdown, escaped like any page.
    return IssueContent(
        main=mark_safe(fragments["main"]),  # noqa: S308
        related=mark_safe(fragments["related"]),  # noqa: S308
    )


@dataclass(frozen=True)
class Holes:
    """Placeholders for the per-request parts of a cached anonymous page."""

    csrf_token: str
    view_count: str


@cache
def holes() -> Holes:
    # Derived from SECRET_KEY: the same in every worker sharing the cache, and no
    # editor can guess one and plant it in an entry's text.
    secret = salted_hmac("issues.page_cache.holes", "v1").hexdigest()[:24]
    return Holes(csrf_token=f"csrf-{secret}", view_count=f"views-{secret}")


def shares_whole_page(request, issue: Issue) -> bool:
    """Whether this reader gets the page everyone else gets (anonymous, public entry, no query)."""
    return not request.user.is_authenticated and issue.is_public and not request.GET


def anonymous_page(request, issue: Issue, *, render: Callable[[Holes], str]) -> str:
    """The whole page for an anonymous reader, with holes, from the cache when it is current.

    ``render`` renders the page with the holes in place of the CSRF token and view
    count; ``fill_holes`` fills them for one request.
    """
    key = ":".join(
        (
            fragment_key(issue, user=request.user),
            "page",
            request.scheme,
            request.get_host(),  # the canonical link is absolute
            request.path,
        )
    )
    page = _cache_get(key)
    if page is None:
        page = render(holes())
        _cache_set(key, page)
    return page


def fill_holes(request, page: str, *, view_count: int) -> str:
    """The page for this request: its own CSRF token and the current view count."""
    placeholders = holes()
    # get_token also makes the CSRF middleware send the cookie this token belongs to.
    return page.replace(placeholders.csrf_token, get_token(request)).replace(
        placeholders.view_count, str(localize(view_count))
    )
