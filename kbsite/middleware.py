"""Production middleware: client address behind proxies, request ids, database outages."""

import ipaddress
import re
import uuid

from django.conf import settings

from kbsite.logs import current_request_id
from kbsite.outage import database_unavailable_response, is_database_outage

REQUEST_ID_HEADER = "X-Request-ID"
# Ids from the proxy are kept only when they look like ids: they end up in log
# lines, so anything that could forge a line or a field is replaced.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")


class ForwardedClientIpMiddleware:
    """Put the real client address in REMOTE_ADDR when behind TRUSTED_PROXY_COUNT proxies.

    Rate limits, login lockout and logs all read REMOTE_ADDR; behind a load
    balancer it is the balancer's address, so every client would share one
    limit. Each trusted proxy appends the address it received the request from
    to X-Forwarded-For, so the client is the N-th entry from the right; entries
    further left were written by the client and are never trusted.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.proxy_count = settings.TRUSTED_PROXY_COUNT

    def __call__(self, request):
        if self.proxy_count:
            client = _forwarded_client(
                request.META.get("HTTP_X_FORWARDED_FOR", ""), self.proxy_count
            )
            if client:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)


def _forwarded_client(header: str, proxy_count: int) -> str | None:
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    if len(hops) < proxy_count:
        return None  # the request did not come through all the proxies
    try:
        return str(ipaddress.ip_address(hops[-proxy_count]))
    except ValueError:
        return None


class RequestIdMiddleware:
    """Give every request an id, log it on every line, echo it in X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.META.get("HTTP_X_REQUEST_ID", "")
        if not _VALID_REQUEST_ID.fullmatch(request_id):
            request_id = uuid.uuid4().hex
        request.request_id = request_id
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class DatabaseOutageMiddleware:
    """A view that loses the database answers 503 with a friendly page (see kbsite.outage)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return database_unavailable_response(request, exception)
        return None
