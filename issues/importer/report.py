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
}


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
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.action} {self.kind} {self.label}{detail}"

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
            out = [f"{parsed.name}: refused, nothing written from this file"]
            out += [f"  error: {line}" for line in parsed.errors]
            out += [f"  warning: {line}" for line in parsed.warnings]
            return out
        out = [f"{parsed.name} ({parsed.format}, {parsed.encoding})"]
        out += [f"  recognised: {line}" for line in parsed.recognised]
        out += [f"  kept as free text: {line}" for line in parsed.free_text]
        out += [f"  warning: {line}" for line in parsed.warnings]
        out += [f"  {change}" for change in self.changes if change.action != "unchanged"]
        unchanged = sum(1 for change in self.changes if change.action == "unchanged")
        if unchanged:
            out.append(f"  unchanged: {unchanged} row(s)")
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
