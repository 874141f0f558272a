"""Housekeeping jobs of the other apps, run by Celery (beat schedules them, see settings).

Each task calls the same service its management command calls, so cron and the
queue do the same work: flush_view_counts, prune_search_logs, rebuild_search_index.
A large import queues one index rebuild (term counts recomputed) after it commits.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

logger = logging.getLogger("kbsite.tasks")


@shared_task(name="issues.flush_view_counts", acks_late=True, ignore_result=True)
def flush_view_counts() -> int:
    from issues.pagecache import view_counts

    return view_counts.flush_all()


@shared_task(name="search.prune_search_logs", acks_late=True, ignore_result=True)
def prune_search_logs() -> int:
    from issues.search.analytics import prune_search_logs as prune

    return prune()


@shared_task(name="search.rebuild_index", acks_late=True, ignore_result=True)
def rebuild_search_index() -> dict[str, int]:
    from issues.search.index import rebuild

    counts = rebuild()
    logger.info("search index rebuilt: %s", counts)
    return counts


def rebuild_after_large_import(sender, report, **kwargs) -> bool:
    """Receiver of the importer's document_imported: a big file gets a full rebuild queued."""
    changed = sum(count for action, count in report.counts().items() if action != "unchanged")
    if changed < settings.KB_IMPORT_REBUILD_THRESHOLD:
        return False

    def send():
        try:
            rebuild_search_index.apply_async()
        except Exception:
            logger.exception("search index rebuild could not be queued")

    transaction.on_commit(send)  # a dry run rolls back: nothing is queued
    return False  # not an endpoint-table receiver
