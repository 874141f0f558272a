"""Whole anonymous pages served from the shared cache with no database query.

A page is served only while the content generation it was rendered under
(generation.py) and the release digest in its key are current; its view count is
the published database count plus the pending views (view_counts.py), counted in
the same round trip. Entries expire after ``KB_PAGE_CACHE_SECONDS`` as a safety
net. It needs a cache every worker shares, so ``KB_PAGE_CACHE=auto`` turns it on
only for Redis. See docs/caching.md.
"""

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response

from issues.models import Issue
from issues.pagecache import holes, live, validators, view_counts
from issues.pagecache.readers import anonymous_reader, reader_profile
from issues.pagecache.release import release_digest
from kbsite.caches import shared_across_processes

logger = logging.getLogger(__name__)

KEY_PREFIX = "shared-page"
# Slug → issue pk, learned from the pages this process served. The view-count
# timer is keyed by pk; knowing it up front fetches it in the page's round trip.
# A stale entry (a slug renamed or reused) only costs that round trip back.
_issue_pks: dict[str, int] = {}
MAX_REMEMBERED_SLUGS = 10_000


def enabled() -> bool:
    mode = settings.KB_PAGE_CACHE
    if mode == "auto":
        # The backend itself: ``cache`` is a proxy that is an instance of no backend class.
        return shared_across_processes(caches[DEFAULT_CACHE_ALIAS])
    return mode == "on"


def eligible(request: HttpRequest) -> bool:
    """Whether this request may get the page every anonymous reader gets."""
    return anonymous_reader(request, methods=("GET",))


def profile_for(request: HttpRequest) -> str | None:
    """The reader profile an issue page is shared under (readers.reader_profile), or None."""
    if request.method != "GET" or request.GET:
        return None
    return reader_profile(request.user)


def page_key(request: HttpRequest, slug: str | None = None, *, profile: str = "anonymous") -> str:
    """An issue page's key (under its slug, which the view counts know) or another page's."""
    variant = (
        profile,
        release_digest(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        request.scheme,
        request.get_host(),  # the canonical link is absolute
        None if slug else request.path,
    )
    digest = hashlib.sha256(repr(variant).encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{slug}:{digest}" if slug else f"{KEY_PREFIX}:path:{digest}"


@dataclass(frozen=True)
class SharedPage:
    generation: str
    issue_pk: int | None  # None for pages that count no views
    html: str  # with holes.holes() in place of the per-request parts
    last_modified: float | None  # Unix time, for Last-Modified and If-Modified-Since
    etag: str | None = None  # for pages no timestamp covers (the home page)
    rendered_at: float = 0.0  # Unix time, for pages served only while young (max_age)
    private: bool = False  # an internal entry: kept out of search engines and shared caches


@dataclass
class Lookup:
    """What a lookup found: a response to send, or what to store the rendered page with."""

    response: HttpResponse | None = None
    key: str | None = None
    generation: str | None = None

    @property
    def stores(self) -> bool:
        """Whether the page about to be rendered is kept for the next readers."""
        return self.key is not None and self.generation is not None

    def remember_page(
        self, html: str, *, last_modified: datetime | None = None, etag: str | None = None
    ) -> None:
        """Keep a page (not an issue page) just rendered from the database."""
        if not self.stores:
            return
        page = SharedPage(
            generation=self.generation,
            issue_pk=None,
            html=html,
            last_modified=last_modified.timestamp() if last_modified else None,
            etag=etag,
            rendered_at=time.time(),
        )
        try:
            cache.set(self.key, page, timeout=settings.KB_PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("shared page cache unavailable; not storing", exc_info=True)

    def remember(
        self, issue: Issue, *, html: str, last_modified: datetime, stored_views: int
    ) -> None:
        """Keep the page just rendered from the database for the readers after this one.

        ``stored_views`` is the count the database row held (before pending views).
        """
        if self.key is None or self.generation is None:
            return
        page = SharedPage(
            generation=self.generation,
            issue_pk=issue.pk,
            html=html,
            last_modified=last_modified.timestamp(),
            private=not issue.is_public,
        )
        try:
            view_counts.remember_written(issue.slug, stored_views)
            cache.set(self.key, page, timeout=settings.KB_PAGE_CACHE_SECONDS)
        except Exception:
            logger.warning("shared page cache unavailable; not storing", exc_info=True)


def lookup_page(
    request: HttpRequest, *, max_age: float | None = None, signed_in: bool = False
) -> Lookup:
    """Like ``lookup`` for a page that counts no views (home, code index, code pages),
    keyed by its path; ``max_age``: seconds a page stays servable after rendering,
    for what changes without an edit (the home page's most-viewed list); ``signed_in``:
    signed-in readers get the page kept for their profile too (code pages)."""
    if not enabled():
        return Lookup()
    profile = profile_for(request) if signed_in else "anonymous" if eligible(request) else None
    if profile is None:
        return Lookup()
    key = page_key(request, profile=profile)
    try:
        found = cache.get_many([*live.generation_keys(profile), key])
        current = live.page_generation(profile, found)
    except Exception:
        logger.warning("shared page cache unavailable; rendering from the database", exc_info=True)
        return Lookup()
    page = found.get(key)
    if (
        page is None
        or page.generation != current
        or (max_age is not None and time.time() - page.rendered_at >= max_age)
    ):
        return Lookup(key=key, generation=current)
    return Lookup(response=_respond(request, page))


def lookup(request: HttpRequest, slug: str) -> Lookup:
    """The cached response for this request, or the means to store one after rendering."""
    profile = profile_for(request) if enabled() else None
    if profile is None:
        return Lookup()
    key = page_key(request, slug, profile=profile)
    written_key = view_counts.written_key(slug)
    keys = [*live.generation_keys(profile), key, written_key]
    known_pk = _issue_pks.get(slug)
    pending = None
    try:
        if known_pk is None:
            found = cache.get_many(keys)
        else:
            # The view is counted in the same round trip, and taken back if the
            # page turns out not to be servable from here.
            found, pending = _get_many_and_incr(
                [*keys, view_counts.since_key(known_pk)], view_counts.pending_key(known_pk)
            )
        current = live.page_generation(profile, found)
    except Exception:  # a cache outage: the database path still works
        logger.warning("shared page cache unavailable; rendering from the database", exc_info=True)
        return Lookup()
    page = found.get(key)
    written = found.get(written_key)
    if page is None or written is None or page.generation != current:
        _take_back(known_pk, pending)
        # Render from the database under the generation read *before* it.
        return Lookup(key=key, generation=current)
    if page.issue_pk != known_pk:  # first hit in this process, or the slug moved
        _take_back(known_pk, pending)
        if len(_issue_pks) >= MAX_REMEMBERED_SLUGS:
            _issue_pks.clear()
        _issue_pks[slug] = page.issue_pk
        views = view_counts.record(page.issue_pk)
    elif pending is None:  # no counter yet (first view, or the cache lost it)
        views = view_counts.record(page.issue_pk, since=found.get(view_counts.since_key(known_pk)))
    else:
        since = found.get(view_counts.since_key(known_pk))
        views = view_counts.counted(page.issue_pk, pending, since=since)
    return Lookup(response=_respond(request, page, views=written + views))


def _get_many_and_incr(keys: list[str], counter: str) -> tuple[dict, int | None]:
    """One round trip with kbsite.caches.RedisCache; two calls with other caches."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if hasattr(backend, "get_many_and_incr"):
        return backend.get_many_and_incr(keys, counter)
    found = backend.get_many(keys)
    try:
        return found, backend.incr(counter)
    except ValueError:
        return found, None


def _take_back(issue_pk: int | None, pending: int | None) -> None:
    """Undo the view counted with the lookup when its page is not the one served."""
    if pending is None:
        return
    try:
        cache.decr(view_counts.pending_key(issue_pk))
    except Exception:
        logger.warning("could not take back a view counted for issue %s", issue_pk, exc_info=True)


def _respond(request: HttpRequest, page: SharedPage, *, views: int | None = None) -> HttpResponse:
    """The stored page for this request, with the headers the database path sends."""
    if validators.sends_validators(request):
        if page.etag:
            response = get_conditional_response(request, etag=page.etag)
        elif page.last_modified is not None:
            response = get_conditional_response(request, last_modified=int(page.last_modified))
        else:
            response = None
        if response:
            return response
    response = HttpResponse(holes.fill_holes(request, page.html, view_count=views))
    if page.private:
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    if page.etag:
        return validators.add_etag(response, request, etag=page.etag)
    if page.last_modified is None:
        return response
    return validators.add_validators(
        response, request, last_modified=datetime.fromtimestamp(page.last_modified, tz=UTC)
    )
