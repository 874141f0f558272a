"""The edits that make cached pages stale: connected by PagecacheConfig.ready().

Every save or delete of an editable row (a ``VersionedModel``: products, tags,
issues and their parts, error codes) and every change to their links replaces the
content generation, whichever path made it (admin, import, services, ``loaddata``).
Changes to users, groups and permissions replace the auth generation that cached
permission sets are kept under (permissions.py). The core knows nothing of the
cache: these are plain Django signals.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

from issues.pagecache import generation, permissions
from issues.versioning import VersionedModel

LINK_CHANGES = {"post_add", "post_remove", "post_clear"}


def _row_saved_or_deleted(sender, **kwargs) -> None:
    if issubclass(sender, VersionedModel):
        generation.bump_now_and_on_commit()


def _links_changed(sender, instance, action, **kwargs) -> None:
    if action in LINK_CHANGES and isinstance(instance, VersionedModel):
        generation.bump_now_and_on_commit()


def _auth_changed(sender, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # every login saves this; it grants nothing
    permissions.bump()


def connect() -> None:
    user = get_user_model()
    for model in (user, Group, Permission):
        uid = f"kb-auth-{model.__name__}"
        post_save.connect(_auth_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_auth_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (user.groups.through, user.user_permissions.through, Group.permissions.through):
        uid = f"kb-auth-{through.__name__}"
        m2m_changed.connect(_auth_changed, sender=through, dispatch_uid=uid)
    post_save.connect(_row_saved_or_deleted, dispatch_uid="kb-content-generation-save")
    post_delete.connect(_row_saved_or_deleted, dispatch_uid="kb-content-generation-delete")
    m2m_changed.connect(_links_changed, dispatch_uid="kb-content-generation-links")
