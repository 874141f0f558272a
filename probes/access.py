"""Who may run probes: active staff holding the "run probes" permission."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

RUN_PERMISSION = "probes.run_probes"


def can_run_probes(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm(RUN_PERMISSION)
    )


def probes_staff_required(view):
    """Anonymous users go to the login page; signed-in users without the permission get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_run_probes(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
