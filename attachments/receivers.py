"""How imports and exports carry attachments (registered with the importer's hooks).

A document's image is validated and re-encoded while the document is read, so the
preview shows it refused or accepted; it is stored when the import writes (inside
the import's transaction, the file itself on commit), keyed by its digest, so
importing the same document again stores nothing new.
"""

import base64
import binascii
import re
from dataclasses import dataclass

from django.dispatch import receiver

from attachments.markdown import file_markdown, image_markdown
from attachments.models import Attachment
from attachments.services import attachment_store
from attachments.validation import AttachmentRefused, Prepared, prepare
from issues.importer.hooks import register_attachments
from issues.importer.report import Change
from issues.importer.signals import document_imported

_KEY = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class Draft:
    prepared: Prepared
    alt: str
    key: str

    @property
    def url(self) -> str:
        return Attachment(key=self.key, name=self.prepared.name).get_absolute_url()


def document_image(data: bytes, name: str, alt: str) -> tuple[str, Draft]:
    try:
        prepared = prepare(data, name=name)
    except AttachmentRefused as exc:
        raise ValueError(str(exc)) from exc
    draft = Draft(prepared=prepared, alt=alt, key=prepared.key)
    if prepared.kind == "image":
        snippet = image_markdown(
            url=draft.url, alt=alt or prepared.name, width=prepared.width, height=prepared.height
        )
    else:
        snippet = file_markdown(url=draft.url, name=prepared.name, size=len(prepared.data))
    return snippet, draft


def export_records() -> list[dict]:
    records = []
    for attachment in Attachment.objects.order_by("key"):
        with attachment.file.open("rb") as handle:
            data = handle.read()
        records.append(
            {
                "key": attachment.key,
                "name": attachment.name,
                "alt": attachment.alt,
                "data": base64.b64encode(data).decode("ascii"),
            }
        )
    return records


def load_records(records: list) -> list[Draft]:
    drafts = []
    for record in records:
        if not isinstance(record, dict) or not _KEY.match(str(record.get("key", ""))):
            raise ValueError("an attachment record needs a 32-digit hexadecimal “key”")
        try:
            data = base64.b64decode(str(record.get("data", "")), validate=True)
        except binascii.Error as exc:
            raise ValueError(f"attachment {record['key']}: “data” is not base64") from exc
        try:
            prepared = prepare(data, name=str(record.get("name") or "file"))
        except AttachmentRefused as exc:
            raise ValueError(str(exc)) from exc
        # The exported key is what the entries' text links to; keep it.
        drafts.append(Draft(prepared=prepared, alt=str(record.get("alt") or ""), key=record["key"]))
    return drafts


register_attachments(image=document_image, export=export_records, load=load_records)


@receiver(document_imported, dispatch_uid="attachments.store_imported")
def store_imported(sender, *, report, user, **kwargs):
    for draft in report.parsed.attachments:
        if not isinstance(draft, Draft):
            continue
        attachment, created = attachment_store(
            prepared=draft.prepared, alt=draft.alt, user=user, key=draft.key
        )
        report.changes.append(
            Change("created" if created else "unchanged", "attachment", attachment.name)
        )
    return False  # not an answer about endpoint tables
