"""The gap queue's periodic work on the task queue (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from gaps.collect import gaps_collect
from gaps.metrics import metrics_refresh
from gaps.prune import gaps_prune


@shared_task(name="gaps.collect", time_limit=600)
def collect() -> dict:
    counts = gaps_collect()
    counts["metrics"] = metrics_refresh()
    return counts


@shared_task(name="gaps.prune", time_limit=600)
def prune() -> dict:
    return gaps_prune()
