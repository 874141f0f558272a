"""Whole issue pages rendered once with placeholders ("holes") for the per-request parts
(the CSRF token, the view count) and filled per request: one per anonymous audience,
and one per reader profile for signed-in readers whose page has no live parts.

The cached HTML never holds a token. The placeholders derive from SECRET_KEY, so
every worker sharing the cache agrees on them and no editor can plant one. Keys carry
the content generation too: parts of the page other apps add (guided-diagnosis links)
change with edits the issue's own markers do not see.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.formats import localize

from issues.models import Issue
from issues.pagecache import fragments, generation, store
from issues.pagecache.readers import reader_profile


@dataclass(frozen=True)
class Holes:
    """Placeholders for the per-request parts of a cached anonymous page."""

    csrf_token: str
    view_count: str


@cache
def holes() -> Holes:
    secret = salted_hmac("issues.page_cache.holes", "v1").hexdigest()[:24]
    return Holes(csrf_token=f"csrf-{secret}", view_count=f"views-{secret}")


def whole_page(request, issue: Issue, *, render: Callable[[Holes], str]) -> str | None:
    """The whole issue page with holes for this reader, from the cache when it is current;
    None when this reader's page cannot be shared (see readers.reader_profile).

    ``render`` renders it with the holes in place of the CSRF token and view count.
    """
    profile = reader_profile(request.user)
    if request.GET or profile is None:  # ?feedback=thanks shows a message for this reader only
        return None
    try:
        current = generation.current()
    except Exception:  # the cache is away: store.get below misses as well
        current = None
    key = ":".join(
        (
            fragments.fragment_key(issue, user=request.user),
            "page",
            profile,
            str(current),
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


def fill_holes(request, page: str, *, view_count: int | None = None) -> str:
    """The page for this request: its own CSRF token and the current view count."""
    placeholders = holes()
    # get_token also makes the CSRF middleware send the cookie this token belongs to.
    page = page.replace(placeholders.csrf_token, get_token(request))
    if view_count is None:  # a page that shows none
        return page
    return page.replace(placeholders.view_count, str(localize(view_count)))
