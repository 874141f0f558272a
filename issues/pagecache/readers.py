"""Who gets which shared page: the one test of "an anonymous reader" (whole pages, holes,
validators) and the reader profile signed-in readers' pages are shared under."""

from django.http import HttpRequest

SAFE_METHODS = ("GET", "HEAD")


def anonymous_reader(
    request: HttpRequest, *, methods: tuple[str, ...] = SAFE_METHODS, bare_url: bool = True
) -> bool:
    """Not signed in, reading with one of ``methods``, and (with ``bare_url``) no query string:
    such a reader gets what every anonymous reader gets."""
    return (
        request.method in methods
        and not request.user.is_authenticated
        and not (bare_url and request.GET)
    )


def reader_profile(user) -> str | None:
    """What a reader's issue page depends on besides the content and the request: readers
    with the same profile get the same page. None when it also shows live parts (staff
    see monitor states and checklists beside the fixes), so it is rendered per request."""
    if not user.is_authenticated:
        return "anonymous"
    if user.is_staff:
        return None
    from issues.pagecache.fragments import audience  # fragments needs the app registry

    return f"{audience(user)}:{int(user.has_perm('issues.change_issue'))}"
