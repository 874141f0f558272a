"""Liveness and readiness in one small JSON answer, for load balancers and monitors.

503 when the database or the shared cache cannot be reached, so a load
balancer takes this app server out of rotation until they answer again. The
checks are fresh on every call (never cached) and cheap: `SELECT 1`, one
cache round trip, and a ping of the Celery workers (reported, never a 503).
"""

import logging
import uuid
from http import HTTPStatus

from django.conf import settings
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


def workers_answering() -> int | None:
    """How many Celery workers answered a ping (None: tasks run in this process, eagerly).

    Reported, not required: pages are served without workers, only background work
    waits, so a load balancer must not take this app server out for it.
    """
    from kbsite.celery import app

    if app.conf.task_always_eager:
        return None
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=1)
            replies = app.control.ping(
                timeout=settings.CELERY_HEALTH_PING_TIMEOUT, connection=connection
            )
    except Exception as exc:  # each broker transport raises its own errors
        logger.warning("healthz: broker unreachable: %s", str(exc).strip() or type(exc).__name__)
        return 0
    return len(replies)


@never_cache
def healthz(request):
    database_ok = database_reachable()
    cache_ok = cache_reachable()
    workers = workers_answering()
    healthy = database_ok and cache_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": database_ok,
            "database_vendor": connection.vendor,
            "cache": cache_ok,
            # Background workers answering a ping (null: tasks run eagerly in-process).
            "workers": workers,
            # Where rate limits are counted: "cache" (shared) or "database" (no shared cache).
            "rate_limits": counters_location(),
            "version": kbsite.__version__,
        },
        status=HTTPStatus.OK if healthy else HTTPStatus.SERVICE_UNAVAILABLE,
    )
