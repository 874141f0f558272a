"""What readers get while the database is unreachable: a friendly 503, never a traceback.

The page is rendered without touching the database (no request context, so no
session, user or messages lookups) and tells clients when to retry. Django
closes the broken connection at the end of the request (CONN_HEALTH_CHECKS), so
the next request reconnects and service resumes on its own when the database
is back: no restart needed.
"""

import logging
import sys
from http import HTTPStatus

from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# The site's one stylesheet; looked up defensively so a missing file can never
# turn the outage page itself into an error.
STYLESHEET = "css/site.css"


def is_database_outage(exc: BaseException | None) -> bool:
    """Connection-level failures (server gone, refused, dropped), not bad queries.

    OperationalError also covers mistakes such as SQLite's "no such table"; those
    leave the connection working and stay a 500, so a bug is never disguised as
    an outage.
    """
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    return connection.connection is None or not connection.is_usable()


def database_unavailable_response(request, exc: BaseException) -> HttpResponse:
    logger.warning(
        "database unavailable: %s %s: %s",
        request.method,
        request.path,
        str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
    )
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": gettext("The knowledge base is temporarily unavailable. Try again soon.")},
            status=HTTPStatus.SERVICE_UNAVAILABLE,
        )
    else:
        html = render_to_string(
            "503.html",
            {"stylesheet_url": _stylesheet_url(), "retry_after": RETRY_AFTER_SECONDS},
        )
        response = HttpResponse(html, status=HTTPStatus.SERVICE_UNAVAILABLE)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _stylesheet_url() -> str | None:
    try:
        if not staticfiles_storage.exists(STYLESHEET):
            return None
        return staticfiles_storage.url(STYLESHEET)
    except (ValueError, OSError):  # not collected / not in the manifest
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a database outage raised outside a view still gets the friendly 503.

    Django calls the handler inside its `except` block, so the exception being
    handled is still available from sys.exc_info().
    """
    exc = sys.exc_info()[1]
    if is_database_outage(exc):
        return database_unavailable_response(request, exc)
    return defaults.server_error(request, template_name)
