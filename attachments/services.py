"""Writes: store an upload once per content (the digest is the key)."""

from django.core.files.base import ContentFile
from django.db import transaction

from attachments.models import Attachment
from attachments.validation import Prepared, prepare


def attachment_store(
    *, prepared: Prepared, alt: str = "", user=None, key: str | None = None
) -> tuple[Attachment, bool]:
    """The attachment holding these bytes, created if new; and whether it was created.

    The file is written to storage only when the transaction commits, so a dry-run
    import (rolled back) leaves no stray files behind.
    """
    key = key or prepared.key
    existing = Attachment.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    attachment = Attachment(
        key=key,
        kind=prepared.kind,
        name=prepared.name,
        content_type=prepared.content_type,
        size=len(prepared.data),
        width=prepared.width,
        height=prepared.height,
        alt=alt[:200],
        uploaded_by=user,
    )
    attachment.file.name = attachment.file.field.generate_filename(attachment, prepared.name)
    attachment.save()

    def write():
        storage = attachment.file.storage
        if not storage.exists(attachment.file.name):
            storage.save(attachment.file.name, ContentFile(prepared.data))

    transaction.on_commit(write)
    return attachment, True


def attachment_upload(*, data: bytes, name: str, alt: str = "", user=None) -> Attachment:
    """Validate and store an upload from the admin (raises AttachmentRefused)."""
    attachment, _created = attachment_store(prepared=prepare(data, name=name), alt=alt, user=user)
    return attachment
