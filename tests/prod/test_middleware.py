"""Request ids and the client address behind trusted proxies."""

import re
from http import HTTPStatus

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from kbsite.middleware import ForwardedClientIpMiddleware, RequestIdMiddleware

pytestmark = pytest.mark.django_db


def test_request_id_is_generated_and_echoed(client):
    response = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert client.get("/healthz")["X-Request-ID"] != response["X-Request-ID"]


def test_valid_request_id_from_the_proxy_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="b7f3c2e1-req-42")
    assert response["X-Request-ID"] == "b7f3c2e1-req-42"


@pytest.mark.parametrize("hostile", ["a b", "x" * 129, "id\nforged log line", "<script>", ""])
def test_invalid_request_id_is_replaced(client, hostile):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=hostile)
    assert response["X-Request-ID"] != hostile
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_request_id_is_on_error_pages_too(client):
    response = client.get("/issues/no-such-issue-anywhere/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["X-Request-ID"]


def test_request_id_is_visible_to_the_view():
    seen = {}

    def view(request):
        seen["id"] = request.request_id
        return HttpResponse()

    RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="abc123"))
    assert seen["id"] == "abc123"


def client_address(settings, proxies: int, forwarded_for: str | None) -> str:
    settings.TRUSTED_PROXY_COUNT = proxies
    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    headers = {"REMOTE_ADDR": "10.0.0.5"}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    ForwardedClientIpMiddleware(view)(RequestFactory().get("/", **headers))
    return seen["addr"]


def test_without_trusted_proxies_the_socket_address_counts(settings):
    assert client_address(settings, 0, "203.0.113.9") == "10.0.0.5"


def test_one_trusted_proxy_takes_the_rightmost_entry(settings):
    # The client wrote "1.2.3.4" itself; only what our proxy appended is trusted.
    assert client_address(settings, 1, "1.2.3.4, 203.0.113.9") == "203.0.113.9"


def test_two_trusted_proxies(settings):
    assert client_address(settings, 2, "1.2.3.4, 203.0.113.9, 10.0.0.2") == "203.0.113.9"


def test_too_few_hops_or_garbage_keeps_the_socket_address(settings):
    assert client_address(settings, 2, "203.0.113.9") == "10.0.0.5"
    assert client_address(settings, 1, "not-an-ip") == "10.0.0.5"
    assert client_address(settings, 1, None) == "10.0.0.5"


def test_ipv6_client(settings):
    assert client_address(settings, 1, "2001:db8::1") == "2001:db8::1"
