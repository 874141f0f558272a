"""Start-up checks of the wiring (run by `manage.py check`, `migrate` and `runserver`)."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from kbsite.ratelimit import Rate

# Every setting named *_RATE_LIMIT is a rate for kbsite/ratelimit.py.
RATE_SUFFIX = "_RATE_LIMIT"
# Old names: still set somewhere means a limit silently ignored.
RENAMED = {"KB_FEEDBACK_RATE": "FEEDBACK_RATE_LIMIT"}


@register()
def rate_limit_settings(app_configs, **kwargs):
    problems = []
    for name in sorted({name for name in dir(settings) if name.endswith(RATE_SUFFIX)}):
        try:
            Rate.parse(getattr(settings, name))
        except ValueError as exc:
            problems.append(Error(f"{name}: {exc}", id="kbsite.E001"))
    for old, new in RENAMED.items():
        if hasattr(settings, old):
            problems.append(
                Warning(
                    f"{old} is no longer read.",
                    hint=f'Set {new} = "hits/seconds" instead, e.g. "5/600".',
                    id="kbsite.W001",
                )
            )
    return problems
