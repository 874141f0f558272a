"""Files kbsite writes itself: Markdown with YAML front matter, and the JSON export."""

import json
import re
from datetime import date, datetime

import frontmatter
import yaml
from django.utils.dateparse import parse_date, parse_datetime

from issues import exporter
from issues.importer.document import (
    ErrorCodeDraft,
    FixDraft,
    IssueDraft,
    ParsedFile,
    ProductDraft,
)
from issues.importer.text import code_text


class StructuredFormatError(ValueError):
    """A front-matter or JSON file that cannot be read; the message says where."""


_SECTION_WORDS = {
    "summary": ("概述", "摘要", "summary"),
    "symptoms": ("问题现象", "问题描述", "现象", "symptoms"),
    "causes": ("问题原因", "原因", "causes"),
    "fixes": ("解决方法", "解决方案", "解决办法", "fixes"),
    "internal_notes": ("内部备注", "备注", "internal notes"),
    "description": ("说明", "描述", "description"),
}
_SECTION = re.compile(r"^##\s+(.+?)\s*$")
_FIX_HEADING = re.compile(r"^###\s+(?:方法|解决方法|fix)\s*(\d+)\s*(?:（解决原因\s*(\d+)）)?\s*$")
_ITEM_START = re.compile(r"^(-|\*|\d+\.)\s(.*)$")


def _section_kind(title: str) -> str | None:
    lowered = title.strip().lower()
    return next((k for k, words in _SECTION_WORDS.items() if lowered in words), None)


def split_sections(body: str) -> tuple[dict[str, str], list[str]]:
    """Known ``## label`` sections of a body, and the text of unknown ones.

    A ``##`` heading that is not a known label stays inside the section above, so
    headings within a fix's own Markdown survive.
    """
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    preamble: list[str] = []
    for line in body.split("\n"):
        match = _SECTION.match(line)
        kind = _section_kind(match.group(1)) if match else None
        if kind:
            current = sections.setdefault(kind, [])
            continue
        (current if current is not None else preamble).append(line)
    loose = ["\n".join(preamble).strip()] if "\n".join(preamble).strip() else []
    return {k: "\n".join(v).strip() for k, v in sections.items()}, loose


def split_items(text: str) -> list[str]:
    """List items ("- x" / "1. x"), continuation lines indented under their marker."""
    items: list[list[str]] = []
    indent = 0
    for line in text.split("\n"):
        match = _ITEM_START.match(line)
        if match:
            items.append([match.group(2)])
            indent = len(match.group(1)) + 1
        elif items:
            items[-1].append(line[indent:] if line[:indent].strip() == "" else line)
    return ["\n".join(item).strip() for item in items if "\n".join(item).strip()]


def split_fixes(text: str) -> list[FixDraft]:
    fixes: list[FixDraft] = []
    body: list[str] = []
    for line in text.split("\n"):
        match = _FIX_HEADING.match(line)
        if match:
            if fixes:
                fixes[-1].body = "\n".join(body).strip()
            fixes.append(FixDraft(body="", cause_position=int(match.group(2) or 0) or None))
            body = []
        else:
            body.append(line)
    if fixes:
        fixes[-1].body = "\n".join(body).strip()
    elif text.strip():
        fixes.append(FixDraft(body=text.strip()))
    return fixes


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(str(value)) if value else None


def _datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return parse_datetime(str(value)) if value else None


def _strings(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str | int):
        value = [value]
    return [str(item).strip() for item in value if str(item).strip()]


def parse_markdown(text: str, *, name: str) -> ParsedFile:
    parsed = ParsedFile(name=name, format="markdown")
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise StructuredFormatError(f"{name}: the front matter is not valid YAML: {exc}") from exc
    meta = post.metadata
    kind = str(meta.get("kind", "issue"))
    sections, loose = split_sections(post.content)
    if kind == "product":
        parsed.products.append(
            ProductDraft(slug=str(meta["slug"]), name=str(meta["name"]), description=post.content)
        )
        parsed.note(f"product {meta['slug']}")
        return parsed
    if kind == "tags":
        parsed.tag_slugs = {str(k): str(v) for k, v in (meta.get("tags") or {}).items()}
        parsed.note(f"{len(parsed.tag_slugs)} tag(s)")
        return parsed
    if kind == "error_code":
        code = code_text(str(meta.get("code", "")))
        if not code:
            raise StructuredFormatError(f"{name}: an error-code file needs a “code:” key")
        parsed.error_codes.append(
            ErrorCodeDraft(
                code=code,
                product=str(meta.get("product", "")),
                constant=str(meta.get("constant", "")),
                callbacks=str(meta.get("callbacks", "")),
                network_relation=str(meta.get("network_relation", "")),
                description=sections.get("description", ""),
                fix=sections.get("fixes", ""),
            )
        )
        parsed.note(f"error code {code}")
        return parsed
    if not meta.get("title"):
        raise StructuredFormatError(f"{name}: the front matter needs a “title:” key")
    issue = IssueDraft(
        source=str(meta.get("source") or ""),
        title=str(meta["title"]),
        slug=str(meta.get("slug") or ""),
        product=str(meta.get("product") or ""),
        status=str(meta["status"]) if meta.get("status") else None,
        visibility=str(meta["visibility"]) if meta.get("visibility") else None,
        summary=sections.get("summary", ""),
        internal_notes=sections.get("internal_notes", ""),
        symptoms=split_items(sections.get("symptoms", "")),
        causes=split_items(sections.get("causes", "")),
        fixes=split_fixes(sections.get("fixes", "")),
        tags=_strings(meta.get("tags")),
        related=_strings(meta.get("related")),
        error_codes=[code_text(c) for c in _strings(meta.get("error_codes"))],
        last_verified_on=_date(meta.get("last_verified_on")),
        published_at=_datetime(meta.get("published_at")),
        approved_at=_datetime(meta.get("approved_at")),
        approved_by=str(meta["approved_by"]) if meta.get("approved_by") else None,
        complete=True,
    )
    for text in loose:
        parsed.free_text.append(text)
        issue.internal_notes = f"{issue.internal_notes}\n\n{text}".strip()
    parsed.issues.append(issue)
    parsed.note(
        f"issue “{issue.title}”: {len(issue.symptoms)} symptom(s), {len(issue.causes)} "
        f"cause(s), {len(issue.fixes)} fix(es), {len(issue.tags or [])} tag(s)"
    )
    return parsed


def parse_json(text: str, *, name: str) -> ParsedFile:
    parsed = ParsedFile(name=name, format="json")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise StructuredFormatError(f"{name}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != exporter.FORMAT_NAME:
        raise StructuredFormatError(
            f"{name}: not a kbsite export (expected “format”: “{exporter.FORMAT_NAME}”)"
        )
    try:
        parsed.products = [ProductDraft(**p) for p in data.get("products", [])]
        parsed.tag_slugs = {t["name"]: t["slug"] for t in data.get("tags", [])}
        parsed.error_codes = [ErrorCodeDraft(**c) for c in data.get("error_codes", [])]
        for record in data.get("issues", []):
            record = dict(record)
            fixes = [
                FixDraft(body=f["body"], cause_position=f.get("cause")) for f in record.pop("fixes")
            ]
            parsed.issues.append(
                IssueDraft(
                    **{
                        **record,
                        "fixes": fixes,
                        "last_verified_on": _date(record.get("last_verified_on")),
                        "published_at": _datetime(record.get("published_at")),
                        "approved_at": _datetime(record.get("approved_at")),
                        "complete": True,
                    }
                )
            )
    except (KeyError, TypeError) as exc:
        raise StructuredFormatError(
            f"{name}: a record is missing a field or has an unknown one ({exc})"
        ) from exc
    parsed.note(
        f"{len(parsed.products)} product(s), {len(parsed.tag_slugs)} tag(s), "
        f"{len(parsed.error_codes)} error code(s), {len(parsed.issues)} issue(s)"
    )
    return parsed
