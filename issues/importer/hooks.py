"""Hooks an app registers in ``ready()`` so documents can carry its content.

The attachments app registers how an image found in a document becomes Markdown
(validated and re-encoded, stored when the import commits), and how attachments
travel in exports. Without it, images in documents are reported and left out.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class AttachmentHooks:
    # (bytes, file name, alt text) → (Markdown showing it, a draft to store on import);
    # raises ValueError with a message for the report when the image is refused.
    image: Callable[[bytes, str, str], tuple[str, Any]] | None = None
    # () → export records; (records) → drafts, raising ValueError when one is bad.
    export: Callable[[], list[dict]] | None = None
    load: Callable[[list], list[Any]] | None = None


attachments = AttachmentHooks()


def register_attachments(**hooks) -> None:
    for name, function in hooks.items():
        setattr(attachments, name, function)
