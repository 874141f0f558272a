"""A digest of what this deployment renders pages with, for cache keys that outlive a deploy.

Rendered HTML kept in a shared cache (Redis) survives a deploy; the workers that
start afterwards must not serve pages made by the old code. Everything rendered
HTML depends on besides the data goes into the digest: the templates, the
compiled translations, the static-file manifest (pages link hashed file names
that the old deploy's collectstatic made), the code that turns Markdown into
HTML, and the versions of the libraries involved.
"""

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.template import engines

# Libraries whose upgrade changes rendered HTML.
RENDERING_DISTRIBUTIONS = ("Django", "Markdown", "nh3")
STATIC_MANIFEST = "staticfiles.json"


def _template_dirs() -> list[Path]:
    dirs = []
    for engine in engines.all():
        dirs.extend(Path(directory) for directory in engine.template_dirs)
    return dirs


def _files_under(directory: Path, pattern: str) -> list[Path]:
    return sorted(path for path in directory.rglob(pattern) if path.is_file())


def rendering_files() -> list[Path]:
    """The files (besides Python code) that decide how a page renders."""
    files = []
    for directory in _template_dirs():
        files.extend(_files_under(directory, "*"))
    for directory in settings.LOCALE_PATHS:
        files.extend(_files_under(Path(directory), "*.mo"))
    manifest = Path(settings.STATIC_ROOT) / STATIC_MANIFEST if settings.STATIC_ROOT else None
    if manifest and manifest.is_file():
        files.append(manifest)
    return files


@cache
def release_digest() -> str:
    """Changes whenever a deploy changes how pages render (computed once per process)."""
    from issues import markdown  # the Markdown pipeline: its source is part of the output

    digest = hashlib.sha256()
    for path in rendering_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(Path(markdown.__file__).read_bytes())
    for distribution in RENDERING_DISTRIBUTIONS:
        digest.update(metadata.version(distribution).encode())
    return digest.hexdigest()[:16]
