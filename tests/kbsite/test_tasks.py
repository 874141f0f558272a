"""Housekeeping on the task queue: the same services as the commands, scheduled by beat."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from issues.models import Issue
from issues.pagecache import view_counts
from issues.search.analytics import log_search
from issues.search.models import SearchEntry, SearchLog
from kbsite import tasks
from tests.issues.factories import make_issue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache(settings):
    settings.KB_VIEW_FLUSH_EVERY = 1000
    cache.clear()
    yield
    cache.clear()


def test_every_housekeeping_job_is_scheduled_on_a_registered_task():
    from kbsite.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry


def test_the_flush_task_writes_pending_views():
    issue = make_issue()
    for _ in range(3):
        view_counts.record(issue.pk)
    assert Issue.objects.get(pk=issue.pk).view_count == 0
    assert tasks.flush_view_counts.delay().get() == 3
    assert Issue.objects.get(pk=issue.pk).view_count == 3


def test_the_prune_task_deletes_logs_past_the_retention(settings):
    settings.SEARCH_LOG_RETENTION_DAYS = 30
    old = log_search(query="old", normalized_query="old", result_count=1, source="page")
    SearchLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    keep = log_search(query="new", normalized_query="new", result_count=1, source="page")
    assert tasks.prune_search_logs.delay().get() == 1
    assert list(SearchLog.objects.all()) == [keep]


class _Report:
    def __init__(self, changed: int):
        self.changed = changed

    def counts(self):
        return {"created": self.changed, "unchanged": 5}


def test_a_large_import_queues_one_index_rebuild(settings, django_capture_on_commit_callbacks):
    settings.KB_IMPORT_REBUILD_THRESHOLD = 3
    issue = make_issue(slug="indexed")
    SearchEntry.objects.all().delete()  # as if per-row indexing had been skipped
    with django_capture_on_commit_callbacks(execute=True) as small:
        tasks.rebuild_after_large_import(sender=None, report=_Report(2))
    assert small == [] and not SearchEntry.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as large:
        tasks.rebuild_after_large_import(sender=None, report=_Report(3))
    assert len(large) == 1
    assert SearchEntry.objects.filter(issue=issue).exists()
