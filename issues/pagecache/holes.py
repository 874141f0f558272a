"""Whole pages for anonymous readers, rendered once with placeholders ("holes") for the
per-request parts (the CSRF token, the view count) and filled per request.

The cached HTML never holds a token. The placeholders derive from SECRET_KEY, so
every worker sharing the cache agrees on them and no editor can plant one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.formats import localize

from issues.models import Issue
from issues.pagecache import fragments, store
from issues.pagecache.readers import anonymous_reader


@dataclass(frozen=True)
class Holes:
    """Placeholders for the per-request parts of a cached anonymous page."""

    csrf_token: str
    view_count: str


@cache
def holes() -> Holes:
    secret = salted_hmac("issues.page_cache.holes", "v1").hexdigest()[:24]
    return Holes(csrf_token=f"csrf-{secret}", view_count=f"views-{secret}")


def shares_whole_page(request, issue: Issue) -> bool:
    """Whether this reader gets the page everyone else gets (anonymous, public entry, no query)."""
    return anonymous_reader(request) and issue.is_public


def anonymous_page(request, issue: Issue, *, render: Callable[[Holes], str]) -> str:
    """The whole issue page with holes, from the cache when it is current.

    ``render`` renders it with the holes in place of the CSRF token and view count.
    """
    key = ":".join(
        (
            fragments.fragment_key(issue, user=request.user),
            "page",
            request.scheme,
            request.get_host(),  # the canonical link is absolute
            request.path,
        )
    )
    page = store.get(key)
    if page is None:
        page = render(holes())
        store.put(key, page)
    return page


def fill_holes(request, page: str, *, view_count: int) -> str:
    """The page for this request: its own CSRF token and the current view count."""
    placeholders = holes()
    # get_token also makes the CSRF middleware send the cookie this token belongs to.
    return page.replace(placeholders.csrf_token, get_token(request)).replace(
        placeholders.view_count, str(localize(view_count))
    )
