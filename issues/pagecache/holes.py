"""Whole issue pages rendered once with placeholders ("holes") for the per-request parts
(the CSRF token, the view count, times relative to now) and filled per request: one per
anonymous audience and one per signed-in reader profile. Staff pages, which carry the
live parts other apps add (live.py), are kept under the live generation as well.

The cached HTML never holds a token. The placeholders derive from SECRET_KEY, so
every worker sharing the cache agrees on them and no editor can plant one. Keys carry
the content generation too: parts of the page other apps add (guided-diagnosis links)
change with edits the issue's own markers do not see.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.timesince import timesince

from issues.models import Issue
from issues.pagecache import fragments, live, store
from issues.pagecache.readers import reader_profile


@dataclass(frozen=True)
class Holes:
    """Placeholders for the per-request parts of a cached page."""

    csrf_token: str
    view_count: str
    since: str  # followed by a Unix time: "3 minutes" from then to the request (since_hole)

    def since_hole(self, moment: datetime) -> str:
        return f"{self.since}{moment.timestamp():.6f}."


@cache
def holes() -> Holes:
    secret = salted_hmac("issues.page_cache.holes", "v1").hexdigest()[:24]
    return Holes(
        csrf_token=f"csrf-{secret}", view_count=f"views-{secret}", since=f"since-{secret}:"
    )


@cache
def _since_holes() -> re.Pattern:
    return re.compile(re.escape(holes().since) + r"(\d+\.\d+)\.")


def whole_page(request, issue: Issue, *, render: Callable[[Holes], str]) -> str | None:
    """The whole issue page with holes for this reader, from the cache when it is current;
    None when this reader's page cannot be shared (see readers.reader_profile).

    ``render`` renders it with the holes in place of the CSRF token, the view count and
    times relative to now.
    """
    profile = reader_profile(request.user)
    if request.GET or profile is None:  # ?feedback=thanks shows a message for this reader only
        return None
    if not live.kept(profile):  # staff pages with a per-process cache: see live.kept
        return None
    try:
        current = live.page_generation(profile)
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
        store.put(key, page, timeout=live.timeout(profile) or store.TIMEOUT)
    return page


def _time_since(found: re.Match, now: datetime) -> str:
    return escape(timesince(datetime.fromtimestamp(float(found[1]), tz=UTC), now=now))


def fill_holes(request, page: str, *, view_count: int | None = None) -> str:
    """The page for this request: its own CSRF token, times relative to now, and the
    current view count."""
    placeholders = holes()
    # get_token also makes the CSRF middleware send the cookie this token belongs to.
    page = page.replace(placeholders.csrf_token, get_token(request))
    if placeholders.since in page:
        now = timezone.now()
        page = _since_holes().sub(lambda found: _time_since(found, now), page)
    if view_count is None:  # a page that shows none
        return page
    return page.replace(placeholders.view_count, str(localize(view_count)))
