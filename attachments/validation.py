"""What may be attached, checked on the bytes themselves, and images re-encoded.

An image is opened with Pillow, its pixel count checked from the header before any
pixel is decoded (a small PNG can declare 100 000 × 100 000), then decoded and saved
again: EXIF (GPS positions, device names), comments and anything appended after the
image data (a zip glued to a JPEG) do not survive. Other files are accepted from a
short list of types, checked by their first bytes, and always served as downloads.
"""

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000  # e.g. 8000 × 5000; a 4K screenshot is 8.3 million

# Pillow format → how it is saved again and served.
IMAGE_FORMATS = {
    "PNG": ("PNG", "image/png"),
    "GIF": ("PNG", "image/png"),  # the first frame, as PNG
    "JPEG": ("JPEG", "image/jpeg"),
    "WEBP": ("WEBP", "image/webp"),
}
# Downloads: extension → (content type, what the first bytes must be).
FILE_TYPES = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".zip": ("application/zip", b"PK\x03\x04"),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        b"PK\x03\x04",
    ),
    ".txt": ("text/plain", None),
    ".log": ("text/plain", None),
    ".csv": ("text/csv", None),
    ".json": ("application/json", None),
}
EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    **{content_type: ext for ext, (content_type, _magic) in FILE_TYPES.items()},
    "text/plain": ".txt",
}


class AttachmentRefused(ValueError):
    """The upload is not an acceptable image or file; the message says why."""


@dataclass
class Prepared:
    data: bytes
    name: str
    kind: str  # "image" or "file"
    content_type: str
    width: int | None = None
    height: int | None = None

    @property
    def key(self) -> str:
        return hashlib.sha256(self.data).hexdigest()[:32]


def max_bytes() -> int:
    return int(getattr(settings, "KB_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_pixels() -> int:
    return int(getattr(settings, "KB_IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def safe_name(name: str, *, extension: str = "") -> str:
    """A download name without paths or odd characters: "../报告 1.PDF" → "报告_1.pdf"."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    stem = unicodedata.normalize("NFKC", base.rsplit(".", 1)[0] if "." in base else base)
    stem = re.sub(r"[^\w-]+", "_", stem).strip("._")[:80] or "file"
    return f"{stem}{extension}"


def _image(data: bytes, name: str) -> Prepared:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            width, height = probe.size
            if probe.format not in IMAGE_FORMATS:
                raise AttachmentRefused(
                    _("%(name)s: %(format)s images are not accepted; use PNG, JPEG, GIF or WebP.")
                    % {"name": name, "format": probe.format}
                )
            if width * height > max_pixels():
                raise AttachmentRefused(
                    _("%(name)s: %(width)d × %(height)d pixels is more than %(limit)s million.")
                    % {
                        "name": name,
                        "width": width,
                        "height": height,
                        "limit": f"{max_pixels() / 1_000_000:g}",
                    }
                )
            probe.load()
            image = ImageOps.exif_transpose(probe)
    except AttachmentRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as exc:
        raise AttachmentRefused(
            _("%(name)s: not a readable image (%(error)s).") % {"name": name, "error": exc}
        ) from exc
    save_as, content_type = IMAGE_FORMATS[probe.format]
    if save_as == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif save_as != "JPEG" and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        image = image.convert("RGBA")
    # Pillow writes back what it read into .info (JPEG comments, PNG text, EXIF, ICC):
    # only transparency, which is part of the picture, is kept.
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    out = io.BytesIO()
    options = {"quality": 90} if save_as in ("JPEG", "WEBP") else {}
    image.save(out, format=save_as, **options)
    return Prepared(
        data=out.getvalue(),
        name=safe_name(name, extension=EXTENSIONS[content_type]),
        kind="image",
        content_type=content_type,
        width=image.width,
        height=image.height,
    )


def _file(data: bytes, name: str) -> Prepared:
    extension = PurePosixPath(name.lower()).suffix
    if extension not in FILE_TYPES:
        accepted = ", ".join(sorted(FILE_TYPES))
        raise AttachmentRefused(
            _(
                "%(name)s: this kind of file is not accepted. Images (PNG, JPEG, GIF, WebP) or: "
                "%(accepted)s."
            )
            % {"name": name, "accepted": accepted}
        )
    content_type, magic = FILE_TYPES[extension]
    if magic is not None and not data.startswith(magic):
        raise AttachmentRefused(
            _("%(name)s: the content is not a %(extension)s file.")
            % {"name": name, "extension": extension}
        )
    if magic is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AttachmentRefused(
                _("%(name)s: text files must be UTF-8.") % {"name": name}
            ) from exc
    return Prepared(
        data=data,
        name=safe_name(name, extension=extension),
        kind="file",
        content_type=content_type,
    )


def prepare(data: bytes, *, name: str) -> Prepared:
    """The bytes to store for an upload: an image re-encoded, or an accepted file as is."""
    if len(data) > max_bytes():
        raise AttachmentRefused(
            _("%(name)s is larger than %(limit)d MB.")
            % {"name": name, "limit": max_bytes() // 1024 // 1024}
        )
    if not data:
        raise AttachmentRefused(_("%(name)s is empty.") % {"name": name})
    try:
        Image.open(io.BytesIO(data))  # reads the header only
    except UnidentifiedImageError:
        return _file(data, name)
    except Image.DecompressionBombError as exc:
        raise AttachmentRefused(
            _("%(name)s: the image has too many pixels.") % {"name": name}
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise AttachmentRefused(
            _("%(name)s: not a readable image (%(error)s).") % {"name": name, "error": exc}
        ) from exc
    return _image(data, name)
