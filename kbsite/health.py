"""Liveness and readiness in one small JSON answer."""

from http import HTTPStatus

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

import kbsite


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database_ok = True
    except DatabaseError:
        database_ok = False
    status = HTTPStatus.OK if database_ok else HTTPStatus.SERVICE_UNAVAILABLE
    return JsonResponse(
        {
            "status": "ok" if database_ok else "unavailable",
            "database": database_ok,
            "database_vendor": connection.vendor,
            "version": kbsite.__version__,
        },
        status=status,
    )
