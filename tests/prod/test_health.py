from http import HTTPStatus
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.urls import reverse

import kbsite

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body == {
        "status": "ok",
        "database": True,
        "database_vendor": body["database_vendor"],
        "cache": True,
        "workers": None,  # tasks run eagerly in the test process (tests/conftest.py)
        "rate_limits": body["rate_limits"],
        "version": kbsite.__version__,
    }
    assert "no-cache" in response["Cache-Control"]


def test_database_down_is_503(client):
    with mock.patch(
        "kbsite.health.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get(reverse("healthz"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["database"] is False
    assert response.json()["status"] == "unavailable"


def test_cache_down_is_503(client):
    with mock.patch.object(cache, "set", side_effect=ConnectionError("redis down")):
        response = client.get(reverse("healthz"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["cache"] is False
    assert response.json()["database"] is True
