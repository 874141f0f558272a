"""Each signed-in user's permission set, kept in the shared cache between requests.

Django's ModelBackend loads it with two queries on every request that checks a
permission, and every reader page does (who may see internal or draft entries).
Kept per user under an auth generation that receivers.py replaces whenever users,
groups, permissions or their links change, so a granted or revoked right applies
on the next request; entries also expire after ``TIMEOUT``.
"""

import logging
import secrets

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

logger = logging.getLogger(__name__)

GENERATION_KEY = "auth-generation"
KEY_PREFIX = "user-perms"
TIMEOUT = 5 * 60


def bump() -> None:
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:
        logger.warning("could not mark cached permissions stale; they expire", exc_info=True)


class CachedPermissionsBackend(ModelBackend):
    """ModelBackend whose per-request permission set comes from the cache when current."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = self._cached_permissions(user_obj)
        return user_obj._perm_cache

    def _cached_permissions(self, user_obj) -> set[str]:
        key = f"{KEY_PREFIX}:{user_obj.pk}"
        try:
            found = cache.get_many([GENERATION_KEY, key])
        except Exception:  # the cache is away: ask the database as Django does
            return super().get_all_permissions(user_obj)
        current = found.get(GENERATION_KEY)
        entry = found.get(key)
        if current is not None and entry is not None and entry[0] == current:
            return entry[1]
        if current is None:
            cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
            current = cache.get(GENERATION_KEY)
        # Read under the generation fetched *before* the database, as pages are.
        permissions = super().get_all_permissions(user_obj)
        try:
            cache.set(key, (current, permissions), timeout=TIMEOUT)
        except Exception:
            logger.warning("could not keep a permission set", exc_info=True)
        return permissions
