"""Who gets which shared page: the one test of "an anonymous reader" (whole pages, holes,
validators) and the reader profile signed-in readers' pages are shared under."""

from django.http import HttpRequest

SAFE_METHODS = ("GET", "HEAD")
STAFF = "staff"  # the prefix of staff profiles


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
    """What a reader's page depends on besides the content and the request: readers with
    the same profile get the same page. Staff pages also carry the live parts other apps
    add (live.py), so their profile says what those show this user and their pages are
    kept under the live generation as well (``shows_live_parts``)."""
    if not user.is_authenticated:
        return "anonymous"
    from issues.models import can_read_internal  # the app registry must be ready
    from issues.pagecache import live
    from issues.pagecache.fragments import audience

    rights = (
        audience(user),
        int(user.has_perm("issues.change_issue")),
        int(user.has_perm("issues.change_errorcode")),
    )
    profile = ":".join(str(right) for right in rights)
    if not user.is_staff:
        return profile
    # An editor's audience (preview) says nothing of internal entries, which diagnosis'
    # flow links and the internal notes follow.
    return f"{STAFF}:{profile}:{int(can_read_internal(user))}:{live.profile(user)}"


def shows_live_parts(profile: str | None) -> bool:
    return bool(profile) and profile.startswith(f"{STAFF}:")
