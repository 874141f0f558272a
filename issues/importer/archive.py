"""The documents inside an uploaded .zip, read in memory with every size bounded.

Nothing is extracted to disk. A member is read through a capped stream (its header's
size may lie), the archive as a whole may expand to at most ``KB_IMPORT_MAX_ARCHIVE_BYTES``
and at most ``MAX_MEMBERS`` documents, a member compressed more than ``MAX_RATIO``
to one is refused (a zip bomb), and so are absolute or ``..`` paths, links and
archives inside the archive.
"""

import io
import stat
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

from issues.importer.limits import import_max_bytes

MAX_MEMBERS = 200
MAX_RATIO = 200
DEFAULT_MAX_ARCHIVE_BYTES = 50 * 1024 * 1024


class ArchiveError(ValueError):
    """The archive as a whole cannot be read; the message says why."""


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


@dataclass
class Member:
    name: str
    data: bytes = b""
    error: str = ""  # set when this one member is refused
    path: str = ""  # inside the archive, "/"-separated: pages find their images by it


def max_archive_bytes() -> int:
    return int(getattr(settings, "KB_IMPORT_MAX_ARCHIVE_BYTES", DEFAULT_MAX_ARCHIVE_BYTES))


def _unsafe_name(name: str) -> str | None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        return _("its path leaves the archive (absolute or “..”); refused")
    return None


def read_zip(data: bytes, *, name: str, suffixes: tuple[str, ...]) -> list[Member]:
    """Documents (names ending in ``suffixes``) and images, each read or refused with a reason.

    Images are returned so that HTML pages exported with their images (Confluence's
    ``attachments/`` folder) can show them; they are not documents themselves.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveError(
            _("%(file)s: not a readable .zip archive (%(error)s)") % {"file": name, "error": exc}
        ) from exc
    if len(infos) > MAX_MEMBERS:
        raise ArchiveError(
            _("%(file)s: %(count)d files in the archive; at most %(limit)d")
            % {"file": name, "count": len(infos), "limit": MAX_MEMBERS}
        )
    per_file, budget = import_max_bytes(), max_archive_bytes()
    members: list[Member] = []
    for info in infos:
        label = f"{name}/{info.filename}"
        path = info.filename.replace("\\", "/")
        member = Member(name=PurePosixPath(path).name, path=path)
        mode = info.external_attr >> 16
        lowered = info.filename.lower()
        if reason := _unsafe_name(info.filename):
            member.error = f"{label}: {reason}"
        elif stat.S_ISLNK(mode):
            member.error = _("%(file)s: a symbolic link; refused") % {"file": label}
        elif lowered.endswith(".zip"):
            member.error = _("%(file)s: an archive inside the archive; upload it on its own") % {
                "file": label
            }
        elif not lowered.endswith(suffixes + IMAGE_SUFFIXES):
            continue  # neither a document nor an image a page shows (e.g. __MACOSX files)
        elif info.file_size > per_file:
            member.error = _(
                "%(file)s: %(size)d KB uncompressed, larger than the import limit of %(limit)d KB"
            ) % {"file": label, "size": info.file_size // 1024, "limit": per_file // 1024}
        elif info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            member.error = _(
                "%(file)s: compressed more than %(ratio)d:1 (a zip bomb?); refused"
            ) % {
                "file": label,
                "ratio": MAX_RATIO,
            }
        else:
            try:
                with archive.open(info) as stream:
                    member.data = stream.read(per_file + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
                member.error = _("%(file)s: cannot be read (%(error)s)") % {
                    "file": label,
                    "error": exc,
                }
            else:
                if len(member.data) > per_file:
                    member.error = _("%(file)s: larger than its header says; refused") % {
                        "file": label
                    }
                    member.data = b""
                budget -= len(member.data)
                if budget < 0:
                    raise ArchiveError(
                        _(
                            "%(file)s: expands to more than %(limit)d MB; "
                            "split it into smaller archives"
                        )
                        % {"file": name, "limit": max_archive_bytes() // 1024 // 1024}
                    )
        members.append(member)
    return members
