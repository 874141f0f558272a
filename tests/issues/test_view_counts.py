"""Page views are counted in the cache and reach the database in batches, none lost."""

import re
import threading
from http import HTTPStatus
from io import StringIO
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from issues.models import Issue
from issues.pagecache import view_counts
from tests.issues.factories import make_issue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache(settings):
    settings.KB_VIEW_FLUSH_EVERY = 5
    settings.KB_VIEW_FLUSH_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def issue():
    return make_issue(slug="login-fails", title="登录失败")


def stored_count(issue) -> int:
    return Issue.objects.values_list("view_count", flat=True).get(pk=issue.pk)


def shown_count(client, issue) -> int:
    response = client.get(issue.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    views = re.search(r"<dd>(\d+)</dd>", response.content.decode())
    assert views, "the page shows no view count"
    return int(views.group(1))


def test_views_stay_pending_below_the_threshold(issue):
    for _ in range(4):
        view_counts.record(issue.pk)
    assert stored_count(issue) == 0
    assert view_counts.pending([issue.pk]) == {issue.pk: 4}


def test_views_reach_the_database_at_the_threshold(issue):
    for _ in range(5):
        view_counts.record(issue.pk)
    assert stored_count(issue) == 5
    assert view_counts.pending([issue.pk]) == {}


def test_old_pending_views_are_written_on_the_next_view(issue, settings):
    view_counts.record(issue.pk)
    with mock.patch.object(view_counts.time, "time", return_value=10**10):
        view_counts.record(issue.pk)
    assert stored_count(issue) == 2


def test_counting_never_touches_version_or_updated_at(issue):
    version, updated_at = issue.version, issue.updated_at
    for _ in range(5):
        view_counts.record(issue.pk)
    issue.refresh_from_db()
    assert issue.view_count == 5
    assert (issue.version, issue.updated_at) == (version, updated_at)


def test_page_shows_stored_plus_pending_views(client, issue):
    Issue.objects.filter(pk=issue.pk).update(view_count=100)
    shown = [shown_count(client, issue) for _ in range(7)]
    # Every view is shown at once, across the flush after the fifth.
    assert shown == [101, 102, 103, 104, 105, 106, 107]
    assert stored_count(issue) == 105


def test_cached_anonymous_page_shows_the_current_count(client, issue):
    # The whole-page cache serves the second request; its count still moves.
    assert shown_count(client, issue) == 1
    assert shown_count(client, issue) == 2


def test_no_views_are_lost_on_the_normal_path(issue):
    for _ in range(23):
        view_counts.record(issue.pk)
    assert stored_count(issue) == 20
    assert view_counts.flush_all() == 3
    assert stored_count(issue) == 23


def test_views_counted_during_a_flush_stay_pending(issue):
    for _ in range(3):
        view_counts.record(issue.pk)
    real_write = view_counts._write

    def write_while_a_reader_arrives(issue_pk, views):
        view_counts._increment(issue_pk)  # a view lands between the take and the UPDATE
        real_write(issue_pk, views)

    with mock.patch.object(view_counts, "_write", side_effect=write_while_a_reader_arrives):
        assert view_counts.flush(issue.pk) == 3
    assert stored_count(issue) == 3
    assert view_counts.pending([issue.pk]) == {issue.pk: 1}


def test_only_one_flusher_writes_the_same_views(issue):
    for _ in range(3):
        view_counts.record(issue.pk)
    cache.add(view_counts.lock_key(issue.pk), 1)  # another worker is flushing
    assert view_counts.flush(issue.pk) == 0
    cache.delete(view_counts.lock_key(issue.pk))
    assert view_counts.flush(issue.pk) == 3
    assert stored_count(issue) == 3


def test_a_failed_write_gives_the_views_back(issue):
    for _ in range(3):
        view_counts.record(issue.pk)
    with (
        mock.patch.object(view_counts, "_write", side_effect=RuntimeError("database gone")),
        pytest.raises(RuntimeError),
    ):
        view_counts.flush(issue.pk)
    assert view_counts.pending([issue.pk]) == {issue.pk: 3}
    assert view_counts.flush(issue.pk) == 3
    assert stored_count(issue) == 3


def test_cache_down_writes_each_view_directly(client, issue):
    with (
        mock.patch.object(view_counts.cache, "incr", side_effect=ConnectionError),
        mock.patch.object(view_counts.cache, "add", side_effect=ConnectionError),
    ):
        assert view_counts.record(issue.pk) == 1
        assert stored_count(issue) == 1
        assert shown_count(client, issue) == 2
    assert stored_count(issue) == 2


def test_dummy_cache_writes_each_view_directly(issue, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    view_counts.record(issue.pk)
    view_counts.record(issue.pk)
    assert stored_count(issue) == 2


def test_flush_view_counts_command_writes_every_pending_count(issue):
    other = make_issue(product=issue.product, slug="other", title="另一个问题")
    for _ in range(2):
        view_counts.record(issue.pk)
    view_counts.record(other.pk)
    out = StringIO()
    call_command("flush_view_counts", stdout=out)
    assert "3" in out.getvalue()
    assert (stored_count(issue), stored_count(other)) == (2, 1)
    call_command("flush_view_counts", stdout=StringIO())
    assert (stored_count(issue), stored_count(other)) == (2, 1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_are_all_counted(issue):
    """Threads share the process-memory cache like requests in one worker."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's database-level lock makes concurrent writers fail, not race")
    per_thread, threads = 25, 4

    def read_many():
        try:
            for _ in range(per_thread):
                view_counts.record(issue.pk)
        finally:
            connection.close()

    workers = [threading.Thread(target=read_many) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    view_counts.flush_all()
    assert stored_count(issue) == per_thread * threads


def test_a_database_without_update_returning_writes_the_same(issue):
    from django.db import connection

    for _ in range(3):
        view_counts.record(issue.pk)
    with mock.patch.object(connection.features, "can_return_columns_from_insert", False):
        assert view_counts.flush(issue.pk) == 3
    assert stored_count(issue) == 3
    assert cache.get(view_counts.written_key(issue.slug)) == 3
