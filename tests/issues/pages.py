"""Reading an issue page through the test client, as the page-cache tests do."""

from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page(client, issue, **headers) -> str:
    response = client.get(issue.get_absolute_url(), **headers)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def queries_for(client, issue) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client, issue)
    return len(captured)
