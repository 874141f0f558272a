"""The edits that make cached pages stale: connected by PagecacheConfig.ready().

Every save or delete of an editable row (a ``VersionedModel``: products, tags,
issues and their parts, error codes) and every change to their links replaces the
content generation, whichever path made it (admin, import, services, ``loaddata``).
The core knows nothing of the cache: these are plain Django signals.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from issues.pagecache import generation
from issues.versioning import VersionedModel

LINK_CHANGES = {"post_add", "post_remove", "post_clear"}


def _row_saved_or_deleted(sender, **kwargs) -> None:
    if issubclass(sender, VersionedModel):
        generation.bump_now_and_on_commit()


def _links_changed(sender, instance, action, **kwargs) -> None:
    if action in LINK_CHANGES and isinstance(instance, VersionedModel):
        generation.bump_now_and_on_commit()


def connect() -> None:
    post_save.connect(_row_saved_or_deleted, dispatch_uid="kb-content-generation-save")
    post_delete.connect(_row_saved_or_deleted, dispatch_uid="kb-content-generation-delete")
    m2m_changed.connect(_links_changed, dispatch_uid="kb-content-generation-links")
