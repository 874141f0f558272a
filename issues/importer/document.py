"""What a parser recognised in one file, before anything touches the database.

Every parser (plain FAQ/guide text, front-matter Markdown, JSON export) produces a
``ParsedFile``; the writer in ``apply.py`` turns those into rows. Keeping the two
apart is what lets ``--dry-run`` and the admin preview show exactly what a commit
would do.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from issues.parts import FixSpec


@dataclass
class IssueDraft:
    """One entry. ``None`` means "the document says nothing about it": leave it alone."""

    source: str
    title: str
    slug: str = ""
    product: str = ""
    status: str | None = None
    visibility: str | None = None
    summary: str = ""
    internal_notes: str = ""
    symptoms: list[str] = field(default_factory=list)
    causes: list[str] = field(default_factory=list)
    fixes: list[FixSpec] = field(default_factory=list)
    tags: list[str] | None = None
    related: list[str] | None = None
    error_codes: list[str] = field(default_factory=list)
    last_verified_on: date | None = None
    published_at: datetime | None = None
    approved_at: datetime | None = None
    approved_by: str | None = None
    # Exports describe an entry completely: links and tags are set exactly. Plain
    # documents only add what they mention, so links an editor made survive a re-run.
    complete: bool = False


@dataclass
class ErrorCodeDraft:
    code: str
    product: str = ""
    constant: str | None = None
    description: str | None = None
    callbacks: str | None = None
    network_relation: str | None = None
    fix: str | None = None
    # What an export recorded ("draft"/"published"); None: a document, so not published.
    status: str | None = None


@dataclass
class Endpoint:
    host: str
    ports: str
    description: str

    def protocols_and_ports(self) -> list[tuple[str, int]]:
        """("tcp", 443)… from a cell like "UDP+TCP: 80, 443, 8080"."""
        protocols, _, numbers = self.ports.partition(":")
        if not numbers:
            protocols, numbers = "TCP", protocols
        kinds = [p.strip().lower() for p in protocols.split("+") if p.strip()]
        ports = [int(n) for n in numbers.replace("，", ",").split(",") if n.strip().isdigit()]
        return [(kind, port) for kind in kinds for port in ports]


@dataclass
class EndpointTable:
    """A URL / 端口 / 描述 table: hosts a fix asks the reader to check."""

    issue_source: str
    rows: list[Endpoint]


@dataclass
class ProductDraft:
    slug: str
    name: str
    description: str | None = None


@dataclass
class ParsedFile:
    name: str
    encoding: str = "UTF-8"
    format: str = "plain"
    products: list[ProductDraft] = field(default_factory=list)
    issues: list[IssueDraft] = field(default_factory=list)
    error_codes: list[ErrorCodeDraft] = field(default_factory=list)
    endpoint_tables: list[EndpointTable] = field(default_factory=list)
    tag_slugs: dict[str, str] = field(default_factory=dict)  # tag name → slug, from exports
    recognised: list[str] = field(default_factory=list)
    free_text: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Why the file is refused as a whole; a refused file writes nothing.
    errors: list[str] = field(default_factory=list)
    # Slugs of existing entries the file would take over (refused until allowed).
    takeovers: list[str] = field(default_factory=list)
    # Images and files found in the document or export, stored when it is imported
    # (drafts made by the attachments app's hook; see hooks.py).
    attachments: list = field(default_factory=list)

    def note(self, line: str) -> None:
        self.recognised.append(line)

    @classmethod
    def refused(cls, *, name: str, reason: str) -> "ParsedFile":
        return cls(name=name, format="refused", encoding="-", errors=[reason])
