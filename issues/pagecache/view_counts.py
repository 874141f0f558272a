"""Issue view counts, batched in the cache and written to the database now and then.

Each view increments a per-issue counter in the cache; the pending views are added
to the row in one ``F()`` update every ``KB_VIEW_FLUSH_EVERY`` views or
``KB_VIEW_FLUSH_SECONDS``, or by ``manage.py flush_view_counts``. The row changes
only through ``QuerySet.update``, so counting never makes an editor's form stale.
What can be lost, and why that is accepted: docs/caching.md.
"""

import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import connections, router
from django.db.models import F

from issues.models import Issue

logger = logging.getLogger(__name__)

KEY_PREFIX = "issue-views"
# Long enough for any flush (one UPDATE); short enough that a flusher that
# died holding it only delays the next flush a little.
FLUSH_LOCK_SECONDS = 30
UNKNOWN = object()  # record(since=…) when the caller has not fetched it
# The published database count (written_key) is re-read from the database when
# it has expired; a day keeps it for every issue read at least daily.
WRITTEN_TIMEOUT = 24 * 60 * 60


def pending_key(issue_pk: int) -> str:
    return f"{KEY_PREFIX}:{issue_pk}:pending"


def since_key(issue_pk: int) -> str:
    """When the oldest pending view (roughly) arrived, as a Unix time."""
    return f"{KEY_PREFIX}:{issue_pk}:since"


def lock_key(issue_pk: int) -> str:
    return f"{KEY_PREFIX}:{issue_pk}:flushing"


def _write(issue_pk: int, views: int) -> tuple[str, int] | None:
    """Add ``views`` to the row; return its slug and new count (None if the row is gone).

    An UPDATE, never save(): see the module docstring. Where the database can
    (PostgreSQL, SQLite >= 3.35) it is one ``UPDATE … RETURNING`` statement: a
    flush runs on a reader's request, so it should cost one round trip.
    """
    connection = connections[router.db_for_write(Issue)]
    if not connection.features.can_return_columns_from_insert:
        Issue.objects.filter(pk=issue_pk).update(view_count=F("view_count") + views)
        return Issue.objects.filter(pk=issue_pk).values_list("slug", "view_count").first()
    quote = connection.ops.quote_name
    opts = Issue._meta
    view_count = quote(opts.get_field("view_count").column)
    # Only quoted model metadata is formatted in; the values are parameters.
    sql = (
        f"UPDATE {quote(opts.db_table)} SET {view_count} = {view_count} + %s "  # noqa: S608
        f"WHERE {quote(opts.pk.column)} = %s "
        f"RETURNING {quote(opts.get_field('slug').column)}, {view_count}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [views, issue_pk])
        row = cursor.fetchone()
    return tuple(row) if row else None


def _increment(issue_pk: int) -> int:
    """Add one pending view; return how many are pending now (this one included)."""
    key = pending_key(issue_pk)
    try:
        return cache.incr(key)
    except ValueError:  # no counter yet (first view, or the cache evicted it)
        if cache.add(key, 1, timeout=None):
            return 1
        return cache.incr(key)  # another request created it in between


def _due(issue_pk: int, pending: int, since) -> bool:
    if pending >= settings.KB_VIEW_FLUSH_EVERY:
        return True
    now = time.time()
    if since is UNKNOWN:
        since = cache.get(since_key(issue_pk))
    if since is None:
        # First pending view since the last flush (or its marker was lost): start the clock.
        cache.add(since_key(issue_pk), now, timeout=None)
        return False
    return now - since >= settings.KB_VIEW_FLUSH_SECONDS


def record(issue_pk: int, *, since=UNKNOWN) -> int:
    """Count one view of the issue.

    Returns how many views the page should add to the ``view_count`` it loaded
    before this call: this view plus the others still pending (or already
    written by this call's flush). ``since``: the value of ``since_key`` when the
    caller already fetched it (None when absent), saving a round trip.
    """
    if isinstance(caches[DEFAULT_CACHE_ALIAS], DummyCache):
        # CACHE_URL=dummy:// keeps nothing: batching there would lose every view.
        _write(issue_pk, 1)
        return 1
    try:
        pending = _increment(issue_pk)
    except Exception:  # the cache is down: count this view the direct way
        logger.warning("view count cache unavailable; writing the view directly", exc_info=True)
        _write(issue_pk, 1)
        return 1
    return counted(issue_pk, pending, since=since)


def counted(issue_pk: int, pending: int, *, since=UNKNOWN) -> int:
    """After a view was added to ``pending_key`` (by ``record`` or by the caller in the
    same round trip as its other reads): write the pending views if they are due.
    Returns ``pending``."""
    try:
        if not _due(issue_pk, pending, since):
            return pending
        flush(issue_pk)
    except Exception:
        # The cache or the database is away (a page served from the cache needs
        # neither to be written): a flush takes views only once they are written,
        # so they stay pending and the next view tries again.
        logger.warning("could not write pending views; keeping them", exc_info=True)
    return pending


def flush(issue_pk: int) -> int:
    """Write the issue's pending views to the database; return how many were written.

    One flusher at a time per issue (a cache lock), so two requests that both see
    the threshold never write the same views twice.
    """
    if not cache.add(lock_key(issue_pk), 1, timeout=FLUSH_LOCK_SECONDS):
        return 0  # someone else is writing them right now
    try:
        views = cache.get(pending_key(issue_pk)) or 0
        if views <= 0:
            return 0
        written = _write(issue_pk, views)
        if written is not None:
            slug, count = written
            cache.set(written_key(slug), count, timeout=WRITTEN_TIMEOUT)
        # Take exactly what was written: views counted since the get stay pending.
        remaining = cache.decr(pending_key(issue_pk), views)
        cache.delete(since_key(issue_pk))
        if remaining > 0:
            cache.add(since_key(issue_pk), time.time(), timeout=None)
        return views
    finally:
        cache.delete(lock_key(issue_pk))


def written_key(slug: str) -> str:
    """The count in the database, under the name a reader of /issues/<slug>/ knows.

    Pages served from the cache without the database (shared.py)
    show this plus the pending views.
    """
    return f"{KEY_PREFIX}:slug:{slug}:written"


def remember_written(slug: str, written: int) -> None:
    """Note the count a page just read from the database, unless a flush already did.

    ``add``, not ``set``: a flush always publishes the newer count, and a count a
    reader read before that flush must not overwrite it.
    """
    cache.add(written_key(slug), written, timeout=WRITTEN_TIMEOUT)


def pending(issue_pks: Iterable[int]) -> dict[int, int]:
    """Pending (not yet written) views of these issues, for those that have any."""
    keys = {pending_key(pk): pk for pk in issue_pks}
    found = cache.get_many(list(keys))
    return {keys[key]: views for key, views in found.items() if views}


def flush_all(*, batch_size: int = 500) -> int:
    """Write every issue's pending views (``manage.py flush_view_counts``); return the total.

    Only counters this process can see are written: with the process-memory cache
    that is the caller's own memory, so schedule the command with a shared (Redis) cache.
    """
    written = 0
    issue_pks = list(Issue.objects.values_list("pk", flat=True))
    for start in range(0, len(issue_pks), batch_size):
        for issue_pk in pending(issue_pks[start : start + batch_size]):
            written += flush(issue_pk)
    return written
