"""Tokens in the shared cache that change whenever what a kept page shows is edited.

The content generation changes on every edit of published content (receivers.py);
the live generation on every change to the live parts other apps add to staff pages
(live.py). Pages cached whole (shared.py, holes.py) are served only while the tokens
they were rendered under are still current. See docs/caching.md.
"""

import logging
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Token:
    key: str

    def bump(self) -> None:
        try:
            cache.set(self.key, secrets.token_hex(8), timeout=None)
        except Exception:
            logger.warning("could not mark cached pages stale; they expire", exc_info=True)

    def bump_now_and_on_commit(self) -> None:
        """Replace the token at once (visible inside the transaction) and again on commit.

        Only the second is needed for correctness: a reader that re-renders between the
        edit and the commit still sees the old rows and stores them under the new token.
        """
        self.bump()
        transaction.on_commit(self.bump)

    def current(self, found: str | None = None) -> str:
        """The current token (``found``: as just read with other keys), creating one if the
        cache has none (first use, or it was lost)."""
        if found is not None:
            return found
        token = cache.get(self.key)
        if token is None:
            cache.add(self.key, secrets.token_hex(8), timeout=None)
            token = cache.get(self.key)
        return token


CONTENT = Token("content-generation")
KEY = CONTENT.key
bump = CONTENT.bump
bump_now_and_on_commit = CONTENT.bump_now_and_on_commit
current = CONTENT.current
