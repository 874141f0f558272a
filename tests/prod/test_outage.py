"""A database outage inside a request: a friendly 503 (JSON for the API), never a traceback."""

from http import HTTPStatus

import pytest
from django.db import OperationalError
from django.test import RequestFactory, override_settings

from kbsite.outage import server_error

pytestmark = pytest.mark.urls("tests.prod.outage_urls")


class LostConnection:
    """Stands in for django.db.connection after the server went away."""

    connection = None

    def is_usable(self):
        return False


@pytest.fixture
def database_gone(monkeypatch):
    monkeypatch.setattr("kbsite.outage.connection", LostConnection())


@pytest.fixture
def production_client(client, settings, database_gone):
    settings.DEBUG = False
    return client


def test_view_losing_the_database_gets_the_friendly_page(production_client):
    response = production_client.get("/page/")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert 'name="robots" content="noindex"' in body
    assert "OperationalError" not in body and "Traceback" not in body


def test_closed_connection_counts_as_an_outage(production_client):
    assert production_client.get("/closed/").status_code == HTTPStatus.SERVICE_UNAVAILABLE


def test_api_gets_json(production_client):
    response = production_client.get("/api/page/")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()


def test_outage_page_uses_no_inline_script_or_style(production_client):
    body = production_client.get("/page/").content.decode()
    assert "<script" not in body and "<style" not in body and "style=" not in body


def test_a_bug_is_still_a_500(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    assert client.get("/bug/").status_code == HTTPStatus.INTERNAL_SERVER_ERROR


@pytest.mark.django_db
def test_a_query_error_on_a_working_connection_is_a_500_not_an_outage(client, settings):
    # e.g. SQLite's "no such table": an OperationalError, but a bug to fix, not an outage.
    settings.DEBUG = False
    client.raise_request_exception = False
    assert client.get("/page/").status_code == HTTPStatus.INTERNAL_SERVER_ERROR


@override_settings(DEBUG=False)
def test_handler500_turns_an_outage_outside_a_view_into_503(database_gone):
    # Django calls handler500 inside its except block; so does this test.
    request = RequestFactory().get("/")
    try:
        raise OperationalError("could not connect to server: Connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE


def test_handler500_outside_an_outage_is_the_normal_500():
    request = RequestFactory().get("/")
    try:
        raise ValueError("bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
