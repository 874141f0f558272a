"""What an index entry says about an issue or an error code, field by field.

Each document is built only from what its readers may see: an error code's entry is
public, so it carries the tags of public published issues only.

Fields and their weights (weights.py): the title and the symptoms are what staff
type, so they outrank the fix text; codes and constants have their own field so a
code in a fix step does not count as much as the code the entry is about.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from issues.models import ErrorCode, Issue
from issues.search.analyzer import analyze
from issues.search.models import SearchEntry

# Markdown punctuation that must not reach a snippet: images, link targets, emphasis.
_MARKDOWN_NOISE = [
    # An attachment's image tag (attachments app) counts as its alt text.
    (re.compile(r'<img\b[^>]*?\balt="([^"]*)"[^>]*>', re.IGNORECASE), r"\1"),
    (re.compile(r"<img\b[^>]*>", re.IGNORECASE), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"^\s{0,3}(?:#{1,6}|[-*+]|\d+[.)])\s+", re.MULTILINE), ""),
    (re.compile(r"^\s{0,3}>\s?", re.MULTILINE), ""),
    # Emphasis and code marks only: "_" stays, it belongs to names like E_AUTH.
    (re.compile(r"\*{1,3}|`{1,3}"), ""),
]


def plain_text(markdown: str) -> str:
    text = markdown or ""
    for pattern, replacement in _MARKDOWN_NOISE:
        text = pattern.sub(replacement, text)
    return text.strip()


def network_tag_keys() -> set[str]:
    return {key.lower() for key in getattr(settings, "SEARCH_NETWORK_TAGS", ("网络", "network"))}


@dataclass
class Document:
    """The original text of one page, ready to analyze into an entry.

    ``kind`` and ``link`` say which SearchEntry it becomes (``{"issue": issue}``, or
    ``{"page_id": pk}`` for a registered kind); ``tags`` are the facet values it is
    listed under. A new kind of page is registered by its app (register_kind).
    """

    kind: str
    link: dict
    product_id: int
    tags: list
    title: str
    url: str
    codes: list[str]
    constants: list[str]
    summary: str
    symptoms: list[str]
    body: list[str]
    meta: list[str]
    is_public: bool
    network_related: bool
    popularity: int
    # Indexed with the title, not shown: an error code's title is only its code and
    # constant, its description is what people type.
    title_extra: str = ""
    constant_key: str = ""  # looked up exactly when the query names the constant

    def entry_fields(self, tokens: dict[str, str] | None = None) -> dict:
        """The SearchEntry's fields; ``tokens`` when already analyzed (analyze_sources)."""
        symptoms = "\n".join(self.symptoms)
        body = "\n".join(part for part in self.body if part)
        return {
            "title": self.title[:300],
            "url": self.url,
            "codes": " ".join(self.codes)[:500],
            "summary": self.summary,
            "symptoms": symptoms,
            "body": body,
            "is_public": self.is_public,
            "network_related": self.network_related,
            "popularity": self.popularity,
            **(tokens if tokens is not None else analyze_sources(self.token_sources())),
        }

    def token_sources(self) -> dict[str, str]:
        """The text each token column is analyzed from: plain strings, so a rebuild
        can analyze them in other processes (index.rebuild)."""
        return {
            "title_tokens": f"{self.title}\n{self.title_extra}",
            "symptom_tokens": f"{self.summary}\n" + "\n".join(self.symptoms),
            "code_tokens": " ".join([*self.codes, *self.constants]),
            "body_tokens": "\n".join(part for part in self.body if part),
            "meta_tokens": " ".join(self.meta),
        }


def analyze_sources(sources: dict[str, str]) -> dict[str, str]:
    """Each token column's analyzed text (tokens joined by spaces)."""
    return {name: " ".join(analyze(text)) for name, text in sources.items()}


def issue_document(issue: Issue) -> Document:
    codes = list(issue.error_codes.all())
    tags = list(issue.tags.all())
    keys = network_tag_keys()
    return Document(
        kind=SearchEntry.Kind.ISSUE,
        link={"issue": issue},
        product_id=issue.product_id,
        tags=tags,
        title=issue.title,
        url=issue.get_absolute_url(),
        codes=[code.code for code in codes],
        constants=[code.constant for code in codes if code.constant],
        summary=plain_text(issue.summary),
        symptoms=[plain_text(s.text) for s in issue.symptoms.all()],
        body=[plain_text(c.text) for c in issue.causes.all()]
        + [plain_text(f.body) for f in issue.fixes.all()],
        meta=[issue.product.name, *(t.name for t in tags)],
        is_public=issue.visibility == Issue.Visibility.PUBLIC,
        network_related=any(c.is_network_related for c in codes)
        or any(t.slug.lower() in keys or t.name.lower() in keys for t in tags),
        popularity=issue.view_count,
    )


def _public_explanations(code: ErrorCode) -> list[Issue]:
    """The issues whose words may reach the code's entry: the entry is public, so only
    published public issues (an internal issue's tags must not find the code)."""
    return [
        issue
        for issue in code.issues.all()
        if issue.status == Issue.Status.PUBLISHED and issue.visibility == Issue.Visibility.PUBLIC
    ]


def error_code_tags(code: ErrorCode) -> list:
    return list(
        {t.pk: t for issue in _public_explanations(code) for t in issue.tags.all()}.values()
    )


def error_code_document(code: ErrorCode) -> Document:
    label = f"{code.code} {code.constant}".strip()
    tags = error_code_tags(code)
    return Document(
        kind=SearchEntry.Kind.ERROR_CODE,
        link={"error_code": code},
        product_id=code.product_id,
        tags=tags,
        title=label,
        url=code.get_absolute_url(),
        codes=[code.code],
        constants=[code.constant] if code.constant else [],
        summary=plain_text(code.description),
        symptoms=[code.callbacks] if code.callbacks else [],
        body=[plain_text(code.fix)],
        meta=[code.product.name, "错误码", *(t.name for t in tags)],
        is_public=code.status == ErrorCode.Status.PUBLISHED or bool(_public_explanations(code)),
        network_related=code.is_network_related,
        popularity=0,
        constant_key=code.constant.lower(),
    )


BUILDERS = {Issue: issue_document, ErrorCode: error_code_document}


@dataclass(frozen=True)
class PageKind:
    """A kind of page another app keeps in the index (diagnosis flows).

    The core never imports those apps (design.md, "Import direction"), so the app
    says here, from its AppConfig.ready(), how its pages become documents: ``indexable``
    returns the objects that belong in the index (prefetched, the ones any reader may
    find: published), ``build`` makes one's Document (kind = ``kind``, link
    ``{"page_id": pk}``, is_public saying who may find it). The app keeps its pages
    indexed through index.index_pages / index.remove_pages.
    """

    kind: str
    count_key: str  # its key in rebuild()'s counts and progress lines ("flows")
    model: type
    indexable: Callable[[], object]
    build: Callable[[object], Document]


PAGE_KINDS: dict[str, PageKind] = {}


def register_kind(page_kind: PageKind) -> None:
    """Idempotent: ready() may run more than once (tests)."""
    if page_kind.kind not in SearchEntry.Kind.values:
        raise ValueError(f"{page_kind.kind!r} is not a SearchEntry.Kind")
    PAGE_KINDS[page_kind.kind] = page_kind
    BUILDERS[page_kind.model] = page_kind.build


def document_for(obj) -> Document:
    return BUILDERS[type(obj)](obj)
