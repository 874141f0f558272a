"""From bytes to a parsed file: decode, pick the parser by the file's shape."""

from pathlib import Path

from issues.importer.document import ParsedFile
from issues.importer.encoding import decode_document
from issues.importer.plain import parse_plain
from issues.importer.structured import parse_json, parse_markdown

READABLE_SUFFIXES = (".txt", ".md", ".markdown", ".json")


class DocumentError(ValueError):
    """A file that cannot be imported; the message names it and says why."""


def read_document(data: bytes, *, name: str) -> ParsedFile:
    from issues.importer.structured import StructuredFormatError

    try:
        text, encoding = decode_document(data, name=name)
        stripped = text.lstrip()
        if name.lower().endswith(".json") or stripped.startswith("{"):
            parsed = parse_json(text, name=name)
        elif stripped.startswith("---\n"):
            parsed = parse_markdown(text, name=name)
        else:
            parsed = parse_plain(text, name=name)
    except (ValueError, StructuredFormatError) as exc:
        raise DocumentError(str(exc)) from exc
    parsed.encoding = encoding
    return parsed


def _files_in(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES
        )
    return [path]


def read_paths(paths: list[Path]) -> list[ParsedFile]:
    """Every file named, directories searched for .txt/.md/.json files."""
    parsed = []
    for path in paths:
        if not path.exists():
            raise DocumentError(f"{path}: no such file or directory")
        for file in _files_in(path):
            parsed.append(read_document(file.read_bytes(), name=file.name))
    return parsed
