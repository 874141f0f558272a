"""From bytes to a parsed file: decode, pick the parser by the file's shape.

``read_document`` raises ``DocumentError`` for a file that cannot be imported;
``read_paths`` and ``read_uploads`` instead return it as a refused ``ParsedFile``, so
one bad file among many is reported with its reason and the others still import.
"""

import posixpath
import re
from pathlib import Path

from django.utils.translation import gettext as _

from issues.importer.archive import IMAGE_SUFFIXES, ArchiveError, read_zip
from issues.importer.document import ParsedFile
from issues.importer.encoding import decode_document
from issues.importer.html import parse_docx, parse_html
from issues.importer.limits import LimitExceeded, check_size
from issues.importer.plain import parse_plain
from issues.importer.structured import parse_json, parse_markdown

DOCUMENT_SUFFIXES = (".txt", ".md", ".markdown", ".json", ".html", ".htm", ".docx")
READABLE_SUFFIXES = (*DOCUMENT_SUFFIXES, ".zip")


_HTML_START = re.compile(r"^(<!doctype html|<html[\s>])", re.IGNORECASE)


class DocumentError(ValueError):
    """A file that cannot be imported; the message names it and says why."""


def read_document(
    data: bytes, *, name: str, max_bytes: int | None = None, images: dict | None = None
) -> ParsedFile:
    """``images``: the images uploaded beside an HTML page, by path relative to it."""
    from issues.importer.structured import StructuredFormatError

    try:
        check_size(len(data), name=name, limit=max_bytes)
        if name.lower().endswith(".docx"):
            return parse_docx(data, name=name)
        text, encoding = decode_document(data, name=name)
        stripped = text.lstrip()
        if name.lower().endswith((".html", ".htm")) or _HTML_START.match(stripped):
            parsed = parse_html(text, name=name, images=images)
        elif name.lower().endswith(".json") or stripped.startswith("{"):
            parsed = parse_json(text, name=name)
        elif stripped.startswith("---\n"):
            parsed = parse_markdown(text, name=name)
        else:
            parsed = parse_plain(text, name=name)
    except (ValueError, StructuredFormatError, LimitExceeded) as exc:
        raise DocumentError(str(exc)) from exc
    parsed.encoding = encoding
    return parsed


def read_or_refuse(
    data: bytes, *, name: str, max_bytes: int | None = None, images: dict | None = None
) -> ParsedFile:
    """The parsed file, or a refused one carrying the reason."""
    try:
        return read_document(data, name=name, max_bytes=max_bytes, images=images)
    except DocumentError as exc:
        return ParsedFile.refused(name=name, reason=str(exc))


def read_uploads(
    files: list[tuple[str, bytes]], *, max_bytes: int | None = None
) -> list[ParsedFile]:
    """Each uploaded file parsed or refused; a .zip stands for the documents inside it."""
    parsed = []
    for name, data in files:
        if not name.lower().endswith(".zip"):
            parsed.append(read_or_refuse(data, name=name, max_bytes=max_bytes))
            continue
        try:
            members = read_zip(data, name=name, suffixes=DOCUMENT_SUFFIXES)
        except ArchiveError as exc:
            parsed.append(ParsedFile.refused(name=name, reason=str(exc)))
            continue
        if not members:
            reason = _("%(file)s: no documents (%(kinds)s) in the archive") % {
                "file": name,
                "kinds": ", ".join(DOCUMENT_SUFFIXES),
            }
            parsed.append(ParsedFile.refused(name=name, reason=reason))
        images = {
            m.path: m.data for m in members if m.path.lower().endswith(IMAGE_SUFFIXES) and m.data
        }
        for member in members:
            if member.path.lower().endswith(IMAGE_SUFFIXES) and not member.error:
                continue
            if member.error:
                parsed.append(ParsedFile.refused(name=member.name, reason=member.error))
            else:
                parsed.append(
                    read_or_refuse(
                        member.data,
                        name=member.name,
                        max_bytes=max_bytes,
                        images=_beside(member.path, images),
                    )
                )
    return parsed


def _beside(page: str, images: dict[str, bytes]) -> dict[str, bytes]:
    """The archive's images by their path relative to the page's folder."""
    folder = posixpath.dirname(page)
    return {posixpath.relpath(path, folder or "."): data for path, data in images.items()}


def _files_in(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES
        )
    return [path]


def read_paths(paths: list[Path], *, max_bytes: int | None = None) -> list[ParsedFile]:
    """Every file named, directories searched for documents and .zip archives.

    A file over the size limit is refused from its size on disk, before it is read.
    """
    parsed = []
    for path in paths:
        if not path.exists():
            raise DocumentError(f"{path}: no such file or directory")
        for file in _files_in(path):
            try:
                check_size(file.stat().st_size, name=file.name, limit=max_bytes)
            except LimitExceeded as exc:
                parsed.append(ParsedFile.refused(name=file.name, reason=str(exc)))
                continue
            parsed += read_uploads([(file.name, file.read_bytes())], max_bytes=max_bytes)
    return parsed
