"""Login throttling and lockout (django-axes), adapted to kbsite: failures are counted per
(username, client address) in the database.

Settings and unlocking: docs/production.md#security-settings.
"""

import math
from http import HTTPStatus

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from django.shortcuts import render


class LoginLockoutBackend(AxesStandaloneBackend):
    """Refuses logins from a locked-out (username, address) pair before any password check.

    Axes needs the HTTP request to know the client address. `authenticate()`
    without a request is not a login over the web (the test client's
    `login()`, a management command, a shell): there is no address to throttle,
    and the credentials are checked by ModelBackend as usual, so this backend
    steps aside instead of raising.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the site's own page (429) saying when to try again."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "lockout.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)
