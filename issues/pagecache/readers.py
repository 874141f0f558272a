"""The one test of "an anonymous reader", shared by whole pages, holes and validators."""

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
