"""A URLconf whose views lose the database, for the outage tests."""

from django.db import InterfaceError, OperationalError
from django.urls import include, path


def lost_connection(request):
    raise OperationalError("server closed the connection unexpectedly")


def closed_connection(request):
    raise InterfaceError("connection already closed")


def other_error(request):
    raise ValueError("a bug, not an outage")


handler500 = "kbsite.outage.server_error"

urlpatterns = [
    path("page/", lost_connection),
    path("closed/", closed_connection),
    path("bug/", other_error),
    path("api/page/", lost_connection),
    path("", include("kbsite.urls")),
]
