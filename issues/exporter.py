"""Export the whole knowledge base as JSON or as Markdown files with YAML front matter.

Both formats carry every entry, error code, symptom, cause, fix, tag and link, and
``import_kb`` reads both back: an export is also a content backup.
"""

import json
import re
from pathlib import Path

import frontmatter

from issues.importer.hooks import attachments as attachment_hooks
from issues.models import ErrorCode, Issue, Product, Tag
from issues.parts import fix_specs

FORMAT_NAME = "kbsite-export"
FORMAT_VERSION = 1

# Section headings of an issue's Markdown body; the importer reads the same words.
SUMMARY_HEADING = "概述"
SYMPTOMS_HEADING = "问题现象"
CAUSES_HEADING = "问题原因"
FIXES_HEADING = "解决方法"
NOTES_HEADING = "内部备注"
CODE_DESCRIPTION_HEADING = "说明"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def issue_record(issue: Issue) -> dict:
    causes = list(issue.causes.order_by("position", "pk"))
    return {
        "slug": issue.slug,
        "product": issue.product.slug,
        "title": issue.title,
        "status": issue.status,
        "visibility": issue.visibility,
        "source": issue.source,
        "summary": issue.summary,
        "internal_notes": issue.internal_notes,
        "tags": sorted(tag.name for tag in issue.tags.all()),
        "related": sorted(other.slug for other in issue.related.all()),
        "error_codes": sorted(code.code for code in issue.error_codes.all()),
        "last_verified_on": _iso(issue.last_verified_on),
        "published_at": _iso(issue.published_at),
        "approved_at": _iso(issue.approved_at),
        "approved_by": issue.approved_by.get_username() if issue.approved_by else None,
        "symptoms": [s.text for s in issue.symptoms.order_by("position", "pk")],
        "causes": [cause.text for cause in causes],
        "fixes": [
            {"body": spec.body, "cause": spec.cause_position}
            for spec in fix_specs(causes, issue.fixes.order_by("position", "pk"))
        ],
    }


def export_data() -> dict:
    """Everything, as plain data in a stable order (so two exports compare equal)."""
    data = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "products": [
            {"slug": p.slug, "name": p.name, "description": p.description}
            for p in Product.objects.order_by("slug")
        ],
        "tags": [{"slug": t.slug, "name": t.name} for t in Tag.objects.order_by("slug")],
        "error_codes": [
            {
                "product": code.product.slug,
                "code": code.code,
                "constant": code.constant,
                "description": code.description,
                "callbacks": code.callbacks,
                "network_relation": code.network_relation,
                "fix": code.fix,
                "status": code.status,
            }
            for code in ErrorCode.objects.select_related("product").order_by(
                "product__slug", "code"
            )
        ],
        "issues": [
            issue_record(issue)
            for issue in Issue.objects.select_related("product", "approved_by")
            .prefetch_related("tags", "related", "error_codes")
            .order_by("slug")
        ],
    }
    if attachment_hooks.export is not None:
        # Images and files the entries show (the attachments app), with their bytes.
        data["attachments"] = attachment_hooks.export()
    return data


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("._") or "_"


def _bullets(items: list[str], marker) -> str:
    lines = []
    for number, text in enumerate(items, start=1):
        prefix = marker(number)
        indent = " " * len(prefix)
        body = text.split("\n")
        lines.append(prefix + body[0])
        lines += [indent + line if line else "" for line in body[1:]]
    return "\n".join(lines)


def issue_markdown(record: dict) -> str:
    metadata = {
        key: record[key]
        for key in (
            "title",
            "slug",
            "product",
            "status",
            "visibility",
            "tags",
            "error_codes",
            "related",
            "source",
            "last_verified_on",
            "published_at",
            "approved_at",
            "approved_by",
        )
        if record[key] not in (None, "", [])
    }
    sections = []
    if record["summary"]:
        sections.append(f"## {SUMMARY_HEADING}\n\n{record['summary']}")
    if record["symptoms"]:
        sections.append(f"## {SYMPTOMS_HEADING}\n\n" + _bullets(record["symptoms"], lambda n: "- "))
    if record["causes"]:
        sections.append(f"## {CAUSES_HEADING}\n\n" + _bullets(record["causes"], lambda n: f"{n}. "))
    if record["fixes"]:
        parts = [f"## {FIXES_HEADING}"]
        for number, fix in enumerate(record["fixes"], start=1):
            tie = f"（解决原因 {fix['cause']}）" if fix["cause"] else ""
            parts.append(f"### 方法 {number}{tie}\n\n{fix['body']}")
        sections.append("\n\n".join(parts))
    if record["internal_notes"]:
        sections.append(f"## {NOTES_HEADING}\n\n{record['internal_notes']}")
    return frontmatter.dumps(frontmatter.Post("\n\n".join(sections), **metadata), sort_keys=False)


def code_markdown(record: dict) -> str:
    metadata = {"kind": "error_code"}
    metadata.update(
        {
            key: record[key]
            for key in ("product", "code", "constant", "callbacks", "network_relation")
            if record[key]
        }
    )
    if record.get("status") == "draft":  # published is what a code file without it means
        metadata["status"] = "draft"
    sections = []
    if record["description"]:
        sections.append(f"## {CODE_DESCRIPTION_HEADING}\n\n{record['description']}")
    if record["fix"]:
        sections.append(f"## {FIXES_HEADING}\n\n{record['fix']}")
    return frontmatter.dumps(frontmatter.Post("\n\n".join(sections), **metadata), sort_keys=False)


def product_markdown(record: dict) -> str:
    post = frontmatter.Post(
        record["description"], kind="product", slug=record["slug"], name=record["name"]
    )
    return frontmatter.dumps(post, sort_keys=False)


def tags_markdown(tags: list[dict]) -> str:
    post = frontmatter.Post("", kind="tags", tags={t["name"]: t["slug"] for t in tags})
    return frontmatter.dumps(post, sort_keys=False)


def export_json(directory: Path, data: dict | None = None) -> list[Path]:
    data = data if data is not None else export_data()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "kbsite-export.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [path]


def export_markdown(directory: Path, data: dict | None = None) -> list[Path]:
    """One file per issue and per error code, grouped by product."""
    data = data if data is not None else export_data()
    written = []

    def write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
        written.append(path)

    write(directory / "tags.md", tags_markdown(data["tags"]))
    for product in data["products"]:
        write(directory / _safe_name(product["slug"]) / "_product.md", product_markdown(product))
    for code in data["error_codes"]:
        folder = directory / _safe_name(code["product"]) / "codes"
        write(folder / f"code_{_safe_name(code['code'])}.md", code_markdown(code))
    for issue in data["issues"]:
        folder = directory / _safe_name(issue["product"])
        write(folder / f"{_safe_name(issue['slug'])}.md", issue_markdown(issue))
    if data.get("attachments"):
        # A JSON export holding only the attachments: import_kb reads it like any other.
        only = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "attachments": data["attachments"],
        }
        write(directory / "attachments.json", json.dumps(only, ensure_ascii=False, indent=2))
    return written


EXPORTERS = {"json": export_json, "markdown": export_markdown}
