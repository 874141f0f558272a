"""Cache validators for pages anonymous readers fetch again and again.

Only anonymous responses get a Last-Modified: a signed-in reader's page shows
per-user parts (internal notes, staff links) that the timestamp does not cover.
The page also depends on the language and the CSRF cookie; both travel in the
Cookie / Accept-Language headers the response varies on, so a browser keeps a
separate copy per language and never revalidates another reader's copy.
"""

import hashlib
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from issues.pagecache.readers import anonymous_reader


def sends_validators(request: HttpRequest) -> bool:
    # Query strings too: the validators describe the content, which a query does not change.
    return anonymous_reader(request, bare_url=False)


def not_modified(request: HttpRequest, *, last_modified: datetime) -> HttpResponse | None:
    """A 304 response when the reader's copy is still current, else None."""
    if not sends_validators(request):
        return None
    return get_conditional_response(request, last_modified=int(last_modified.timestamp()))


def add_validators(response: HttpResponse, request: HttpRequest, *, last_modified: datetime):
    if sends_validators(request) and response.status_code == 200:
        response.headers["Last-Modified"] = http_date(last_modified.timestamp())
        # Revalidate every time: the validator is cheap, stale fix steps are not.
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def data_etag(*parts) -> str:
    """A validator for pages whose freshness no single timestamp covers (the home page's
    most-viewed list moves with view counts): a digest of the data shown, not of the
    HTML, which differs on every render by its masked CSRF token."""
    digest = hashlib.sha256(repr((get_language(), parts)).encode()).hexdigest()[:32]
    return quote_etag(digest)


def not_modified_etag(request: HttpRequest, *, etag: str) -> HttpResponse | None:
    if not sends_validators(request):
        return None
    return get_conditional_response(request, etag=etag)


def add_etag(response: HttpResponse, request: HttpRequest, *, etag: str):
    if sends_validators(request) and response.status_code == 200:
        response.headers["ETag"] = etag
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response
