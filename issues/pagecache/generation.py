"""One token in the shared cache that changes whenever any published content is edited.

Pages cached whole for anonymous readers (issues/shared_pages.py) are stored
with the token that was current when they were rendered and served only while
it still is, so a hit needs no database query at all to know it is current.
Every save or delete of an editable row (a ``VersionedModel``: products, tags,
issues and their parts, error codes) and every change to their links replaces
the token, whichever path made it (admin, import, services, ``loaddata``).

The token is replaced twice: at once, and again when the transaction commits.
Only the second is needed for correctness: a reader that re-renders between
the first and the commit still sees the old rows, and would otherwise store
them under the new token. The first makes the change visible inside the same
transaction (tests, and a request that edits and then reads).

One token for everything, not one per issue, because an edit shows on other
pages too: a title in related-issue lists, a product name, a tag. Edits are
rare next to reads, so re-rendering a few pages after each is cheap.

If the cache cannot be written, the edit still succeeds (nothing is lost); the
cached pages then expire after ``KB_PAGE_CACHE_SECONDS`` at the latest.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from issues.versioning import VersionedModel

logger = logging.getLogger(__name__)

KEY = "content-generation"
LINK_CHANGES = {"post_add", "post_remove", "post_clear"}


def bump() -> None:
    try:
        cache.set(KEY, secrets.token_hex(8), timeout=None)
    except Exception:
        logger.warning("could not mark cached pages stale; they expire on their own", exc_info=True)


def current() -> str:
    """The current token, creating one if the cache has none (first use, or it was lost)."""
    token = cache.get(KEY)
    if token is None:
        cache.add(KEY, secrets.token_hex(8), timeout=None)
        token = cache.get(KEY)
    return token


def _content_changed() -> None:
    bump()
    transaction.on_commit(bump)


def _row_saved_or_deleted(sender, **kwargs) -> None:
    if issubclass(sender, VersionedModel):
        _content_changed()


def _links_changed(sender, instance, action, **kwargs) -> None:
    if action in LINK_CHANGES and isinstance(instance, VersionedModel):
        _content_changed()


def connect() -> None:
    """Called from IssuesConfig.ready()."""
    post_save.connect(_row_saved_or_deleted, dispatch_uid="kb-content-generation-save")
    post_delete.connect(_row_saved_or_deleted, dispatch_uid="kb-content-generation-delete")
    m2m_changed.connect(_links_changed, dispatch_uid="kb-content-generation-links")
