"""Each signed-in user, with their permission set, kept in the shared cache between requests.

Django's ModelBackend reads the session's user with one query on every signed-in
request, and the permission set with two more on every request that checks a
permission (every reader page does: who may see internal or draft entries).
Kept per user under an auth generation that receivers.py replaces whenever users,
groups, permissions or their links change, so a granted or revoked right, a new
password or a deactivated account applies on the next request; entries also
expire after ``TIMEOUT``. Signing out ends the session, which is what names the user.

The user row is kept only where every worker shares the cache (as shared pages are,
shared.enabled): with a per-process cache an edit in one worker would leave the other
workers' copies current until they expire.
"""

import logging
import secrets

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

logger = logging.getLogger(__name__)

GENERATION_KEY = "auth-generation"
KEY_PREFIX = "user-perms"
USER_KEY_PREFIX = "auth-user"
TIMEOUT = 5 * 60


def bump() -> None:
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:
        logger.warning("could not mark cached permissions stale; they expire", exc_info=True)


def _generation(found: str | None) -> str:
    """The auth generation read with an entry, or a new one where the cache had none."""
    if found is not None:
        return found
    cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    return cache.get(GENERATION_KEY)


def _users_kept() -> bool:
    from issues.pagecache import shared  # shared imports the models: not at import time

    return shared.enabled()


class CachedPermissionsBackend(ModelBackend):
    """ModelBackend whose user and permission set come from the cache when current."""

    def get_user(self, user_id):
        if not _users_kept():
            return super().get_user(user_id)
        key = f"{USER_KEY_PREFIX}:{user_id}"
        try:
            found = cache.get_many([GENERATION_KEY, key])
        except Exception:  # the cache is away: ask the database as Django does
            return super().get_user(user_id)
        entry = found.get(key)
        if entry is not None and entry[0] == found.get(GENERATION_KEY):
            user = entry[1]
            return user if self.user_can_authenticate(user) else None
        try:
            # Read under the generation fetched *before* the database, as pages are.
            current = _generation(found.get(GENERATION_KEY))
        except Exception:
            return super().get_user(user_id)
        user = super().get_user(user_id)
        if user is None:
            return None
        # Loaded now so the one entry serves has_perm too (_perm_cache travels with it).
        ModelBackend.get_all_permissions(self, user)
        try:
            cache.set(key, (current, user), timeout=TIMEOUT)
        except Exception:
            logger.warning("could not keep a signed-in user", exc_info=True)
        return user

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
        current = _generation(current)
        # Read under the generation fetched *before* the database, as pages are.
        permissions = super().get_all_permissions(user_obj)
        try:
            cache.set(key, (current, permissions), timeout=TIMEOUT)
        except Exception:
            logger.warning("could not keep a permission set", exc_info=True)
        return permissions
