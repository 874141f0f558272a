"""What an import did (or would do) per file: recognised parts, free text, changes."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from issues.importer.document import ParsedFile

# What the admin's preview shows for an action and a kind of row (Change keeps the codes).
ACTION_LABELS = {
    "created": pgettext_lazy("import action", "created"),
    "updated": pgettext_lazy("import action", "updated"),
    "unchanged": pgettext_lazy("import action", "unchanged"),
    "kept": pgettext_lazy("import action", "kept"),
}
KIND_LABELS = {
    "product": gettext_lazy("product"),
    "issue": gettext_lazy("issue"),
    "error code": gettext_lazy("error code"),
    "tag": gettext_lazy("tag"),
    "checklist": gettext_lazy("checklist"),
    "links of": gettext_lazy("links of"),
    "attachment": gettext_lazy("attachment"),
    "endpoint table": gettext_lazy("endpoint table"),
    "probe checklist": gettext_lazy("probe checklist"),
}
# The fields a change names (apply.py's names), as the preview's “Fields” column shows them.
FIELD_LABELS = {
    "product_id": gettext_lazy("product"),
    "name": gettext_lazy("name"),
    "title": gettext_lazy("title"),
    "slug": gettext_lazy("slug"),
    "summary": gettext_lazy("summary"),
    "description": gettext_lazy("description"),
    "internal_notes": gettext_lazy("internal notes"),
    "status": gettext_lazy("status"),
    "visibility": gettext_lazy("visibility"),
    "source": gettext_lazy("source"),
    "last_verified_on": gettext_lazy("last verified on"),
    "published_at": gettext_lazy("published at"),
    "approved_at": gettext_lazy("approved at"),
    "approved_by_id": gettext_lazy("approved by"),
    "constant": gettext_lazy("constant"),
    "callbacks": gettext_lazy("callbacks"),
    "network_relation": gettext_lazy("network relation"),
    "fix": gettext_lazy("fix"),
    "symptoms": gettext_lazy("symptoms"),
    "causes": gettext_lazy("causes"),
    "fixes": gettext_lazy("fixes"),
    "tags": gettext_lazy("tags"),
    "error codes": gettext_lazy("error codes"),
    "related": gettext_lazy("related entries"),
}


def totals_text(totals: dict[str, int]) -> str:
    """“2 created, 1 unchanged” in the current language (the admin's message after an import)."""
    separator = pgettext("list separator", ", ")
    return separator.join(
        _("%(count)d %(action)s") % {"count": count, "action": ACTION_LABELS.get(action, action)}
        for action, count in sorted(totals.items())
    )


def no_product_message(name: str) -> str:
    return _(
        "%(file)s: no product given. Pass --product NAME (or pick one in the import form), "
        "or add a “product:” key to the file's front matter."
    ) % {"file": name}


def parts_summary(
    *, symptoms: int, causes: int, fixes: int, tags: int | None = None, codes: list[str] = ()
) -> str:
    """“2 symptoms, 1 cause, 1 fix” in the current language, for a recognised entry."""
    parts = [
        ngettext("%(count)d symptom", "%(count)d symptoms", symptoms) % {"count": symptoms},
        ngettext("%(count)d cause", "%(count)d causes", causes) % {"count": causes},
        ngettext("%(count)d fix", "%(count)d fixes", fixes) % {"count": fixes},
    ]
    if tags is not None:
        parts.append(ngettext("%(count)d tag", "%(count)d tags", tags) % {"count": tags})
    if codes:
        parts.append(_("error codes %(codes)s") % {"codes": ", ".join(codes)})
    return pgettext("list separator", ", ").join(parts)


@dataclass
class Change:
    action: str  # "created", "updated", "unchanged", "kept" (reported, not written)
    kind: str  # "product", "issue", "error code", "tag", "checklist"
    label: str
    fields: list[str] = field(default_factory=list)

    def __str__(self):
        line = _("%(action)s %(kind)s %(label)s") % {
            "action": self.action_label,
            "kind": self.kind_label,
            "label": self.label,
        }
        if self.fields:
            separator = pgettext("list separator", ", ")
            line = _("%(change)s (%(fields)s)") % {
                "change": line,
                "fields": separator.join(self.field_labels),
            }
        return line

    @property
    def field_labels(self) -> list[str]:
        return [str(FIELD_LABELS.get(name, name)) for name in self.fields]

    @property
    def fields_text(self) -> str:
        """The changed fields as one list in the current language (the preview's column)."""
        return pgettext("list separator", ", ").join(self.field_labels)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass
class FileReport:
    parsed: ParsedFile
    changes: list[Change] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.parsed.name

    @property
    def refused(self) -> bool:
        return bool(self.parsed.errors)

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for change in self.changes:
            totals[change.action] = totals.get(change.action, 0) + 1
        return totals

    def lines(self) -> list[str]:
        """The report as text, for the command's output and the admin preview."""
        parsed = self.parsed
        if parsed.errors:
            out = [_("%(file)s: refused, nothing written from this file") % {"file": parsed.name}]
            out += ["  " + _("error: %(line)s") % {"line": line} for line in parsed.errors]
            out += ["  " + _("warning: %(line)s") % {"line": line} for line in parsed.warnings]
            return out
        out = [f"{parsed.name} ({parsed.format}, {parsed.encoding})"]
        out += ["  " + _("recognised: %(line)s") % {"line": line} for line in parsed.recognised]
        out += [
            "  " + _("kept as free text: %(line)s") % {"line": line} for line in parsed.free_text
        ]
        out += ["  " + _("warning: %(line)s") % {"line": line} for line in parsed.warnings]
        out += [f"  {change}" for change in self.changes if change.action != "unchanged"]
        unchanged = sum(1 for change in self.changes if change.action == "unchanged")
        if unchanged:
            out.append(
                "  "
                + ngettext("unchanged: %(count)d row", "unchanged: %(count)d rows", unchanged)
                % {"count": unchanged}
            )
        return out


@dataclass
class ImportResult:
    files: list[FileReport]
    dry_run: bool

    def lines(self) -> list[str]:
        return [line for report in self.files for line in report.lines()]

    @property
    def refused(self) -> list[FileReport]:
        return [report for report in self.files if report.refused]

    @property
    def accepted(self) -> list[FileReport]:
        return [report for report in self.files if not report.refused]

    def totals(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for report in self.files:
            for action, count in report.counts().items():
                totals[action] = totals.get(action, 0) + count
        return totals


def json_totals(parsed: ParsedFile) -> str:
    """“1 product, 2 tags, 3 error codes, 4 issues” for a JSON export, in the current language."""
    products, tags = len(parsed.products), len(parsed.tag_slugs)
    codes, issues, attachments = (
        len(parsed.error_codes),
        len(parsed.issues),
        len(parsed.attachments),
    )
    parts = [
        ngettext("%(count)d product", "%(count)d products", products) % {"count": products},
        ngettext("%(count)d tag", "%(count)d tags", tags) % {"count": tags},
        ngettext("%(count)d error code", "%(count)d error codes", codes) % {"count": codes},
        ngettext("%(count)d issue", "%(count)d issues", issues) % {"count": issues},
    ]
    if attachments:
        parts.append(
            ngettext("%(count)d attachment", "%(count)d attachments", attachments)
            % {"count": attachments}
        )
    return pgettext("list separator", ", ").join(parts)
