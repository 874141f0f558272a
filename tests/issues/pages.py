"""Reading an issue page through the test client, as the page-cache tests do."""

from contextlib import contextmanager
from http import HTTPStatus

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from issues.pagecache import shared


@contextmanager
def shared_layer_on(settings, **more):
    """The database-free page layer on over a clean cache; ``more`` settings besides.
    One test process shares its memory cache with itself, so "on" is correct here."""
    settings.KB_PAGE_CACHE = "on"
    for name, value in more.items():
        setattr(settings, name, value)
    shared._issue_pks.clear()
    cache.clear()
    try:
        yield
    finally:
        cache.clear()


def page(client, issue, **headers) -> str:
    response = client.get(issue.get_absolute_url(), **headers)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def queries_for(client, issue) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client, issue)
    return len(captured)
