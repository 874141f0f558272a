"""Liveness and readiness in one small JSON answer, for load balancers and monitors.

503 when the database or the shared cache cannot be reached, so a load
balancer takes this app server out of rotation until they answer again. The
checks are fresh on every call (never cached) and cheap: `SELECT 1` and one
cache round trip.
"""

import logging
import uuid
from http import HTTPStatus

from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

import kbsite
from kbsite.ratelimit import counters_location

logger = logging.getLogger(__name__)


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("healthz: database unreachable: %s", str(exc).strip() or type(exc).__name__)
        return False
    return True


def cache_reachable() -> bool:
    # A unique key: concurrent checks from several app servers never see each
    # other's value, and a stale value cannot pass for a working cache.
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        ok = cache.get(key) == "ok"
        cache.delete(key)
    except Exception as exc:  # every cache backend raises its own errors
        logger.warning("healthz: cache unreachable: %s", str(exc).strip() or type(exc).__name__)
        return False
    # The dummy backend stores nothing: that is "no cache", not "cache down".
    return ok or cache.__class__.__name__ == "DummyCache"


@never_cache
def healthz(request):
    database_ok = database_reachable()
    cache_ok = cache_reachable()
    healthy = database_ok and cache_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": database_ok,
            "database_vendor": connection.vendor,
            "cache": cache_ok,
            # Where rate limits are counted: "cache" (shared) or "database" (no shared cache).
            "rate_limits": counters_location(),
            "version": kbsite.__version__,
        },
        status=HTTPStatus.OK if healthy else HTTPStatus.SERVICE_UNAVAILABLE,
    )
