"""What an import did (or would do) per file: recognised parts, free text, changes."""

from dataclasses import dataclass, field

from issues.importer.document import ParsedFile


@dataclass
class Change:
    action: str  # "created", "updated", "unchanged", "kept" (reported, not written)
    kind: str  # "product", "issue", "error code", "tag", "checklist"
    label: str
    fields: list[str] = field(default_factory=list)

    def __str__(self):
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.action} {self.kind} {self.label}{detail}"


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
