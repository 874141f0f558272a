"""One token in the shared cache that changes whenever any published content is edited.

Pages cached whole (shared.py) are served only while the token they were rendered
under is still current; receivers.py replaces it on every edit. See docs/caching.md.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

KEY = "content-generation"


def bump() -> None:
    try:
        cache.set(KEY, secrets.token_hex(8), timeout=None)
    except Exception:
        logger.warning("could not mark cached pages stale; they expire on their own", exc_info=True)


def bump_now_and_on_commit() -> None:
    """Replace the token at once (visible inside the transaction) and again on commit.

    Only the second is needed for correctness: a reader that re-renders between the
    edit and the commit still sees the old rows and stores them under the new token.
    """
    bump()
    transaction.on_commit(bump)


def current() -> str:
    """The current token, creating one if the cache has none (first use, or it was lost)."""
    token = cache.get(KEY)
    if token is None:
        cache.add(KEY, secrets.token_hex(8), timeout=None)
        token = cache.get(KEY)
    return token
