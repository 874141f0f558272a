"""HTML (wiki and Confluence exports) and Word .docx, read like the plain-text sources.

Both become the Markdown-like text the plain parser reads (``## 1.标题``,
``**问题现象**：…``, ``1、…`` items, pipe tables), so a Word or wiki page is recognised
by exactly the same labelled-section rules as a .txt file. A .docx goes through
mammoth to HTML first. Images (a .docx's own, or ``data:`` images in HTML) become
attachments through the attachments app's hook; images the upload does not contain
are reported, never fetched.
"""

import base64
import binascii
import io
import posixpath
import re
import zipfile
from urllib.parse import unquote

import mammoth
from bs4 import BeautifulSoup, NavigableString, Tag
from django.utils.translation import gettext as _

from issues.importer import hooks
from issues.importer.archive import MAX_RATIO, max_archive_bytes
from issues.importer.document import ParsedFile
from issues.importer.plain import parse_plain

# Page furniture of MediaWiki and Confluence exports, and anything that is not content.
_DROP = (
    "script, style, noscript, template, nav, header, footer, form, button, "
    ".mw-editsection, #toc, .toc, .mw-jump-link, #breadcrumb-section, .page-metadata, "
    "#footer, .confluence-information-macro-icon"
)
_CONTENT = (
    "#main-content",
    ".wiki-content",
    ".mw-parser-output",
    "#mw-content-text",
    "main",
    "article",
)
_BLOCKS = {"p", "div", "section", "blockquote", "dd", "dt", "figure", "figcaption", "center"}
_SPACE = re.compile(r"[ \t\r\n\f\u00a0]+")
_DATA_URI = re.compile(r"^data:(image/[\w.+-]+);base64,(.*)$", re.DOTALL)


class DocxError(ValueError):
    """A .docx that cannot be read; the message names the file."""


class _Converter:
    def __init__(self, parsed: ParsedFile, images: dict[str, bytes] | None = None):
        self.parsed = parsed
        self.images = {posixpath.normpath(path): data for path, data in (images or {}).items()}
        self.image_count = 0

    # Inline content ---------------------------------------------------------------

    def inline(self, node) -> str:
        if isinstance(node, NavigableString):
            return _SPACE.sub(" ", str(node))
        if not isinstance(node, Tag):
            return ""
        name = node.name
        if name == "br":
            return "\n"
        if name == "img":
            return self.image(node)
        inner = "".join(self.inline(child) for child in node.children)
        if name in ("strong", "b") and inner.strip():
            return f"**{inner.strip()}**"
        if name in ("em", "i") and inner.strip():
            return f"*{inner.strip()}*"
        if name == "code" and inner.strip():
            return f"`{inner.strip()}`"
        if name == "a" and re.match(r"^(https?:|mailto:)", node.get("href", "")):
            return f"[{inner.strip()}]({node['href']})" if inner.strip() else ""
        return inner

    def image(self, node: Tag) -> str:
        src, alt = node.get("src", ""), _SPACE.sub(" ", node.get("alt", "")).strip()
        self.image_count += 1
        name = f"{self.parsed.name.rsplit('.', 1)[0]}-image-{self.image_count}"
        match = _DATA_URI.match(src)
        local = posixpath.normpath(unquote(src.split("?", 1)[0].split("#", 1)[0]))
        if not match and local not in self.images:
            self.parsed.warnings.append(
                _(
                    "the image %(src)s is not in the upload and was left out (images are never "
                    "fetched); add it in the admin after the import"
                )
                % {"src": src[:80]}
            )
            return ""
        if hooks.attachments.image is None:
            self.parsed.warnings.append(
                _("image %(number)d left out: the attachments app is not installed")
                % {"number": self.image_count}
            )
            return ""
        try:
            if match:
                data = base64.b64decode(match.group(2), validate=False)
                extension = "." + match.group(1).split("/")[1].replace("jpeg", "jpg")
            else:  # an image uploaded beside the page (a Confluence export's attachments/)
                data, extension = self.images[local], posixpath.splitext(local)[1]
            snippet, draft = hooks.attachments.image(data, name + extension, alt)
        except (binascii.Error, ValueError) as exc:
            self.parsed.warnings.append(
                _("image %(number)d left out: %(error)s")
                % {"number": self.image_count, "error": exc}
            )
            return ""
        self.parsed.attachments.append(draft)
        self.parsed.note(
            _("image %(number)d “%(alt)s” as an attachment")
            % {"number": self.image_count, "alt": alt or draft.prepared.name}
        )
        return f"\n{snippet}\n"

    # Blocks -----------------------------------------------------------------------

    def blocks(self, node: Tag) -> list[str]:
        out: list[str] = []
        buffer: list[str] = []

        def flush():
            text = "".join(buffer)
            buffer.clear()
            lines = [line.strip() for line in text.split("\n")]
            if any(lines):
                out.append("\n".join(line for line in lines if line))

        for child in node.children:
            if isinstance(child, Tag) and self.is_block(child):
                flush()
                out += self.block(child)
            else:
                buffer.append(self.inline(child))
        flush()
        return out

    def is_block(self, node: Tag) -> bool:
        return node.name in _BLOCKS or node.name in {
            "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre", "hr", "body", "main",
            "article", "li",
        }  # fmt: skip

    def block(self, node: Tag) -> list[str]:
        name = node.name
        if re.fullmatch(r"h[1-6]", name):
            text = _SPACE.sub(" ", self.inline(node)).strip().replace("*", "")
            return [f"{'#' * int(name[1])} {text}"] if text else []
        if name in ("ul", "ol"):
            return self.list_items(node)
        if name == "table":
            return self.table(node)
        if name == "pre":
            return ["```\n" + node.get_text().strip("\n") + "\n```"]
        if name == "hr":
            return []
        return self.blocks(node)

    def list_items(self, node: Tag, depth: int = 0) -> list[str]:
        lines = []
        ordered = node.name == "ol"
        number = int(node.get("start", 1) or 1) if ordered else 0
        for item in node.find_all("li", recursive=False):
            nested = [child for child in item.find_all(["ul", "ol"], recursive=False)]
            for child in nested:
                child.extract()
            text = " ".join(block.replace("\n", " ") for block in self.blocks(item)).strip()
            marker = f"{number}、" if ordered else "- "
            lines.append("  " * depth + marker + text)
            number += 1
            for child in nested:
                lines += self.list_items(child, depth + 1)
        return ["\n".join(lines)] if lines else []

    def table(self, node: Tag) -> list[str]:
        rows = []
        for row in node.find_all("tr"):
            cells = [
                _SPACE.sub(" ", self.inline(cell)).strip().replace("|", "\\|")
                for cell in row.find_all(["th", "td"], recursive=False)
            ]
            if any(cells):
                rows.append(cells)
        if not rows:
            return []
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return ["\n".join(lines)]


def html_to_text(html: str, parsed: ParsedFile, images: dict[str, bytes] | None = None) -> str:
    """The page's content as the Markdown-like text the plain parser reads."""
    soup = BeautifulSoup(html, "html.parser")
    for node in soup.select(_DROP):
        node.decompose()
    root = next((found for selector in _CONTENT if (found := soup.select_one(selector))), None)
    root = root or soup.body or soup
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    blocks = _Converter(parsed, images).blocks(root)
    if title and not any(block.startswith("# ") for block in blocks):
        # Confluence titles read "Space : Page"; the page name is the document title.
        blocks.insert(0, f"# {title.rpartition(' : ')[2]}")
    return "\n\n".join(blocks)


def _merge(parsed: ParsedFile, into: ParsedFile, *, format: str) -> ParsedFile:
    into.format = format
    into.attachments = parsed.attachments + into.attachments
    into.recognised = parsed.recognised + into.recognised
    into.warnings = parsed.warnings + into.warnings
    return into


def parse_html(text: str, *, name: str, images: dict[str, bytes] | None = None) -> ParsedFile:
    collected = ParsedFile(name=name)
    body = html_to_text(text, collected, images)
    return _merge(collected, parse_plain(body, name=name), format="html")


def _check_docx(data: bytes, name: str) -> None:
    """A .docx is a zip: bound what it expands to before mammoth reads it."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as exc:
        raise DocxError(
            _("%(file)s: not a Word .docx document (%(error)s)") % {"file": name, "error": exc}
        ) from exc
    total = sum(info.file_size for info in infos)
    if total > max_archive_bytes():
        raise DocxError(
            _("%(file)s: expands to %(size)d MB; too large to import")
            % {"file": name, "size": total // 1024 // 1024}
        )
    for info in infos:
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise DocxError(
                _("%(file)s: %(part)s is compressed more than %(ratio)d:1")
                % {"file": name, "part": info.filename, "ratio": MAX_RATIO}
            )


def parse_docx(data: bytes, *, name: str) -> ParsedFile:
    _check_docx(data, name)
    collected = ParsedFile(name=name)
    try:
        result = mammoth.convert_to_html(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise DocxError(
            _("%(file)s: the Word document cannot be read (%(error)s)")
            % {"file": name, "error": exc}
        ) from exc
    for message in result.messages:
        if message.type == "error":
            collected.warnings.append(_("Word: %(message)s") % {"message": message.message})
    body = html_to_text(f"<body>{result.value}</body>", collected)
    parsed = _merge(collected, parse_plain(body, name=name), format="docx")
    parsed.encoding = "Word"
    return parsed
