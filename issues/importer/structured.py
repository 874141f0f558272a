"""Files kbsite writes itself: Markdown with YAML front matter, and the JSON export."""

import json
import re

import frontmatter
import yaml
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from issues import exporter
from issues.importer import hooks, schema
from issues.importer.document import (
    ErrorCodeDraft,
    IssueDraft,
    ParsedFile,
    ProductDraft,
)
from issues.importer.limits import BoundedYAMLHandler, LimitExceeded, load_json
from issues.importer.report import json_totals, parts_summary
from issues.importer.text import code_text
from issues.parts import FixSpec


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


def split_fixes(text: str) -> list[FixSpec]:
    fixes: list[FixSpec] = []
    body: list[str] = []
    for line in text.split("\n"):
        match = _FIX_HEADING.match(line)
        if match:
            if fixes:
                fixes[-1].body = "\n".join(body).strip()
            fixes.append(FixSpec(body="", cause_position=int(match.group(2) or 0) or None))
            body = []
        else:
            body.append(line)
    if fixes:
        fixes[-1].body = "\n".join(body).strip()
    elif text.strip():
        fixes.append(FixSpec(body=text.strip()))
    return fixes


def parse_markdown(text: str, *, name: str) -> ParsedFile:
    parsed = ParsedFile(name=name, format="markdown")
    try:
        post = frontmatter.loads(text, handler=BoundedYAMLHandler())
    except LimitExceeded as exc:
        raise StructuredFormatError(f"{name}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise StructuredFormatError(
            _("%(file)s: the front matter is not valid YAML: %(error)s")
            % {"file": name, "error": exc}
        ) from exc
    try:
        return _markdown_entry(parsed, post.metadata, post.content)
    except schema.SchemaError as exc:
        raise StructuredFormatError(f"{name}: {exc}") from exc


def _markdown_entry(parsed: ParsedFile, meta: dict, content: str) -> ParsedFile:
    kind = schema.text(meta, "kind") or "issue"
    sections, loose = split_sections(content)
    if kind == "product":
        slug = schema.text(meta, "slug", required=True)
        parsed.products.append(
            ProductDraft(
                slug=slug, name=schema.text(meta, "name", required=True), description=content
            )
        )
        parsed.note(_("product %(slug)s") % {"slug": slug})
        return parsed
    if kind == "tags":
        parsed.tag_slugs = schema.mapping(meta, "tags")
        parsed.note(f"{len(parsed.tag_slugs)} tag(s)")
        return parsed
    if kind == "error_code":
        (raw_code,) = schema.text_list(meta, "code", numbers=True) or [""]
        code = code_text(raw_code)
        if not code:
            raise schema.SchemaError(_("an error-code file needs a “code:” key"))
        parsed.error_codes.append(
            ErrorCodeDraft(
                code=code,
                product=schema.text(meta, "product") or "",
                constant=schema.text(meta, "constant") or "",
                callbacks=schema.text(meta, "callbacks") or "",
                network_relation=schema.text(
                    meta, "network_relation", choices=schema.NETWORK_RELATIONS
                )
                or "",
                description=sections.get("description", ""),
                fix=sections.get("fixes", ""),
                status=schema.text(meta, "status", choices=_CODE_STATUSES) or "published",
            )
        )
        parsed.note(_("error code %(code)s") % {"code": code})
        return parsed
    if kind != "issue":
        raise schema.SchemaError(
            _("“kind:” must be issue, product, tags or error_code, not “%(kind)s”") % {"kind": kind}
        )
    for key in schema.unknown_keys(meta, schema.ISSUE_KEYS):
        parsed.warnings.append(
            _("front matter key “%(key)s:” is not one kbsite reads; ignored") % {"key": key}
        )
    issue = IssueDraft(
        source=schema.text(meta, "source") or "",
        title=schema.text(meta, "title", required=True),
        slug=schema.text(meta, "slug") or "",
        product=schema.text(meta, "product") or "",
        status=schema.text(meta, "status", choices=schema.STATUSES),
        visibility=schema.text(meta, "visibility", choices=schema.VISIBILITIES),
        summary=sections.get("summary", ""),
        internal_notes=sections.get("internal_notes", ""),
        symptoms=split_items(sections.get("symptoms", "")),
        causes=split_items(sections.get("causes", "")),
        fixes=split_fixes(sections.get("fixes", "")),
        tags=schema.text_list(meta, "tags") or [],
        related=schema.text_list(meta, "related") or [],
        error_codes=[
            code_text(c) for c in schema.text_list(meta, "error_codes", numbers=True) or []
        ],
        last_verified_on=schema.a_date(meta, "last_verified_on"),
        published_at=schema.a_datetime(meta, "published_at"),
        approved_at=schema.a_datetime(meta, "approved_at"),
        approved_by=schema.text(meta, "approved_by"),
        complete=True,
    )
    for text in loose:
        parsed.free_text.append(text)
        issue.internal_notes = f"{issue.internal_notes}\n\n{text}".strip()
    parsed.issues.append(issue)
    counts = parts_summary(
        symptoms=len(issue.symptoms),
        causes=len(issue.causes),
        fixes=len(issue.fixes),
        tags=len(issue.tags or []),
    )
    parsed.note(_("issue “%(title)s”: %(parts)s") % {"title": issue.title, "parts": counts})
    return parsed


def parse_json(text: str, *, name: str) -> ParsedFile:
    parsed = ParsedFile(name=name, format="json")
    try:
        data = load_json(text)
    except LimitExceeded as exc:
        raise StructuredFormatError(f"{name}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise StructuredFormatError(
            _("%(file)s: not valid JSON (%(error)s)") % {"file": name, "error": exc}
        ) from exc
    if not isinstance(data, dict) or data.get("format") != exporter.FORMAT_NAME:
        raise StructuredFormatError(
            _("%(file)s: not a kbsite export (expected “format”: “%(format)s”)")
            % {"file": name, "format": exporter.FORMAT_NAME}
        )
    try:
        parsed.products = [_json_product(p) for p in _records(data, "products")]
        parsed.tag_slugs = {
            schema.text(t, "name", required=True): schema.text(t, "slug", required=True)
            for t in _records(data, "tags")
        }
        parsed.error_codes = [_json_code(c) for c in _records(data, "error_codes")]
        parsed.issues = [_json_issue(record) for record in _records(data, "issues")]
        parsed.attachments = _attachments(data)
    except (schema.SchemaError, ValueError) as exc:
        raise StructuredFormatError(
            _("%(file)s: %(error)s") % {"file": name, "error": exc}
        ) from exc
    parsed.note(json_totals(parsed))
    return parsed


def _attachments(data: dict) -> list:
    """Drafts for the export's attachments, checked like uploads (attachments hook)."""
    records = _records(data, "attachments")
    if records and hooks.attachments.load is None:
        raise schema.SchemaError(_("the export holds attachments but the attachments app is off"))
    return hooks.attachments.load(records) if records else []


def _records(data: dict, key: str) -> list[dict]:
    records = data.get(key) or []
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise schema.SchemaError(_("“%(key)s” must be a list of records") % {"key": key})
    return records


def _only(record: dict, known: set[str], what: str) -> None:
    if unknown := schema.unknown_keys(record, frozenset(known)):
        raise schema.SchemaError(
            ngettext(
                "%(what)s has an unknown field: %(fields)s",
                "%(what)s has unknown fields: %(fields)s",
                len(unknown),
            )
            % {"what": what, "fields": ", ".join(unknown)}
        )


def _json_product(record: dict) -> ProductDraft:
    _only(record, {"slug", "name", "description"}, _("a product"))
    return ProductDraft(
        slug=schema.text(record, "slug", required=True),
        name=schema.text(record, "name", required=True),
        description=None if record.get("description") is None else _raw_text(record, "description"),
    )


def _bad(record: dict, key: str):
    schema.text(record, key)  # raises with the key and the value's type
    raise schema.SchemaError(_("“%(key)s:” has a value of the wrong type") % {"key": key})


_CODE_TEXT_FIELDS = ("product", "constant", "description", "callbacks", "network_relation", "fix")


_CODE_STATUSES = ("draft", "published")


def _json_code(record: dict) -> ErrorCodeDraft:
    _only(record, {"code", *_CODE_TEXT_FIELDS, "status"}, _("an error code"))
    (code,) = schema.text_list(record, "code", numbers=True) or [""]
    if not code_text(code):
        raise schema.SchemaError(_("an error code has no “code”"))
    values = {}
    for key in _CODE_TEXT_FIELDS:
        if record.get(key) is not None and not isinstance(record[key], str):
            _bad(record, key)
        values[key] = record.get(key)
    if values["network_relation"] not in (None, "", *schema.NETWORK_RELATIONS):
        schema.text(record, "network_relation", choices=schema.NETWORK_RELATIONS)
    values["product"] = values["product"] or ""
    # Exports made before codes had a status hold published codes only.
    values["status"] = schema.text(record, "status", choices=_CODE_STATUSES) or "published"
    return ErrorCodeDraft(code=code_text(code), **values)


_ISSUE_FIELDS = schema.ISSUE_KEYS - {"kind"} | {
    "summary",
    "internal_notes",
    "symptoms",
    "causes",
    "fixes",
}


def _json_issue(record: dict) -> IssueDraft:
    _only(record, _ISSUE_FIELDS, _("an issue"))
    fixes = []
    for fix in _records(record, "fixes"):
        _only(fix, {"body", "cause"}, _("a fix"))
        cause = fix.get("cause")
        if cause is not None and (isinstance(cause, bool) or not isinstance(cause, int)):
            raise schema.SchemaError(
                _("a fix's “cause” must be a number, not %(value)s") % {"value": repr(cause)}
            )
        fixes.append(FixSpec(body=_raw_text(fix, "body"), cause_position=cause))
    return IssueDraft(
        source=schema.text(record, "source") or "",
        title=schema.text(record, "title", required=True),
        slug=schema.text(record, "slug") or "",
        product=schema.text(record, "product") or "",
        status=schema.text(record, "status", choices=schema.STATUSES),
        visibility=schema.text(record, "visibility", choices=schema.VISIBILITIES),
        summary=_raw_text(record, "summary"),
        internal_notes=_raw_text(record, "internal_notes"),
        symptoms=schema.text_list(record, "symptoms") or [],
        causes=schema.text_list(record, "causes") or [],
        fixes=fixes,
        tags=schema.text_list(record, "tags") or [],
        related=schema.text_list(record, "related") or [],
        error_codes=[
            code_text(c) for c in schema.text_list(record, "error_codes", numbers=True) or []
        ],
        last_verified_on=schema.a_date(record, "last_verified_on"),
        published_at=schema.a_datetime(record, "published_at"),
        approved_at=schema.a_datetime(record, "approved_at"),
        approved_by=schema.text(record, "approved_by"),
        complete=True,
    )


def _raw_text(record: dict, key: str) -> str:
    """Text kept exactly as written (Markdown bodies keep their spacing)."""
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        _bad(record, key)
    return value
