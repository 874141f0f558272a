"""Bring documents into the knowledge base: the source formats, Markdown, JSON exports.

``read_document`` turns bytes into a ``ParsedFile`` (nothing written yet);
``apply_files`` writes parsed files, or rolls back for a dry run / preview.
"""

from issues.importer.apply import ImportProblem, apply_files
from issues.importer.encoding import DocumentEncodingError
from issues.importer.reader import DocumentError, read_document, read_paths
from issues.importer.report import ImportResult

__all__ = [
    "DocumentEncodingError",
    "DocumentError",
    "ImportProblem",
    "ImportResult",
    "apply_files",
    "read_document",
    "read_paths",
]
