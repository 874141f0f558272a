"""Checks made before an import writes anything: a file that fails one is refused whole.

* a product the file names (or ``--product``) must exist, or be defined by a file of
  the same import, unless creating products was asked for explicitly;
* every code in ``error_codes:`` must exist for that product (or be defined alongside);
* a ``slug:`` that matches an existing entry this file did not create (not matched by
  its ``source``) is a takeover, and an entry this file created but a person changed
  since (edited, restored, or shipped as curated content) would lose that work: both
  refused unless updating existing entries was asked for, and reported either way.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from issues.codes import normalize_code, unsigned_code
from issues.importer.report import FileReport, no_product_message
from issues.models import ErrorCode, Issue, Product


@dataclass(frozen=True)
class ImportOptions:
    product_name: str | None = None
    create_products: bool = False
    update_existing: bool = False


def _product_slug(key: str, defined: set[str]) -> str | None:
    """The slug a product key names: a product being imported, or an existing one."""
    if key in defined:
        return key
    product = Product.objects.filter(slug=key).first() or Product.objects.filter(name=key).first()
    return product.slug if product else None


def _codes_for(product_slug: str, defined: dict[str, set[str]]) -> set[str]:
    """Unsigned forms of the codes a product has or is getting.

    Unsigned, because that is how the link step finds a code ("1019" finds "-1019").
    """
    known = set(defined.get(product_slug, set()))
    known.update(
        ErrorCode.objects.filter(product__slug=product_slug).values_list("unsigned_code", flat=True)
    )
    return known


def _unsigned(code: str) -> str:
    return unsigned_code(normalize_code(code))


def _takeover(draft) -> Issue | None:
    """The existing entry a draft's slug would update although the file did not create it."""
    if not draft.slug:
        return None
    if draft.source and Issue.objects.filter(source=draft.source).exists():
        return None
    return Issue.objects.filter(slug=draft.slug).select_related("product").first()


def _takeover_text(draft, slug: str) -> str | None:
    existing = _takeover(draft)
    if existing is None:
        return None
    whose = (
        _("imported from %(source)s") % {"source": existing.source}
        if existing.source
        else _("created in the admin")
    )
    moves = (
        _(", move it from product %(old)s to %(new)s") % {"old": existing.product.slug, "new": slug}
        if existing.product.slug != slug
        else ""
    )
    return _(
        "slug “%(slug)s” is the existing entry “%(title)s” (%(whose)s), which this "
        "file did not create: importing would replace its content%(moves)s"
    ) % {"slug": draft.slug, "title": existing.title, "whose": whose, "moves": moves}


# Revisions that change no content: an entry edited only by these is as it was imported.
_WORKFLOW_REASONS = (
    "submitted",
    "approved",
    "sent_back",
    "published",
    "unpublished",
    "archived",
    "verified",
)


def _edited_since_import(draft) -> Issue | None:
    """The entry a draft's source matches when a person changed it after its last import
    (an edit, a restore, shipped curated content): re-importing would replace that work."""
    if not draft.source:
        return None
    issue = Issue.objects.filter(source=draft.source).order_by("pk").first()
    if issue is None:
        return None
    last = issue.revisions.exclude(reason__in=_WORKFLOW_REASONS).order_by("-number").first()
    return issue if last is not None and last.reason != "imported" else None


def _edited_text(draft) -> str | None:
    existing = _edited_since_import(draft)
    if existing is None:
        return None
    return _(
        "“%(title)s” (%(slug)s), which this file created, was changed after its last import"
        "%(status)s: importing would replace those changes"
    ) % {
        "title": existing.title,
        "slug": existing.slug,
        "status": _(", and is published: readers would see the file's text at once")
        if existing.status == Issue.Status.PUBLISHED
        else "",
    }


def check_files(reports: list[FileReport], options: ImportOptions) -> None:
    """Add the reason to each report whose file must not be written."""
    live = [r for r in reports if not r.parsed.errors]
    defined_products = {p.slug for r in live for p in r.parsed.products}
    for report in live:
        parsed = report.parsed
        defined_codes: dict[str, set[str]] = {}
        unknown_products: set[str] = set()
        for draft in parsed.error_codes + parsed.issues:
            key = (draft.product or options.product_name or "").strip()
            if not key:
                parsed.errors.append(no_product_message(parsed.name))
                break
            if _product_slug(key, defined_products) is None:
                unknown_products.add(key)
        for key in sorted(unknown_products):
            if options.create_products:
                parsed.warnings.append(
                    _("product “%(product)s” does not exist yet; it will be created")
                    % {"product": key}
                )
            else:
                existing = ", ".join(
                    Product.objects.order_by("slug").values_list("slug", flat=True)
                )
                parsed.errors.append(
                    _(
                        "%(file)s: product “%(product)s” does not exist (existing: %(existing)s). "
                        "Check the spelling, or allow creating products (import_kb "
                        "--create-products, or the box in the import form)."
                    )
                    % {"file": parsed.name, "product": key, "existing": existing or "—"}
                )
        if parsed.errors:
            continue
        for other in live:
            for code in other.parsed.error_codes:
                key = (code.product or options.product_name or "").strip()
                slug = _product_slug(key, defined_products) or key
                defined_codes.setdefault(slug, set()).add(_unsigned(code.code))
        for draft in parsed.issues:
            key = (draft.product or options.product_name or "").strip()
            slug = _product_slug(key, defined_products) or key
            known = _codes_for(slug, defined_codes)
            missing = [code for code in draft.error_codes if _unsigned(code) not in known]
            if missing:
                parsed.errors.append(
                    _(
                        "%(file)s: “%(title)s” lists error code(s) %(codes)s that product "
                        "“%(product)s” does not have. Add the codes first (an error-code file or "
                        "the admin) or remove them from “error_codes:”."
                    )
                    % {
                        "file": parsed.name,
                        "title": draft.title,
                        "codes": ", ".join(missing),
                        "product": key,
                    }
                )
            takeover = _takeover_text(draft, slug)
            what = takeover or _edited_text(draft)
            if what is None:
                continue
            if options.update_existing:
                parsed.warnings.append(_("%(what)s; updating it as asked") % {"what": what})
                continue
            parsed.takeovers.append(draft.slug or draft.source)
            otherwise = (
                _("otherwise change or remove “slug:”.")
                if takeover
                else _("otherwise edit the entry in the admin instead of importing it again.")
            )
            parsed.errors.append(
                _(
                    "%(file)s: %(what)s. To update it, import again with --update-existing "
                    "(or “Preview again, updating the existing entries” in the admin); "
                    "%(otherwise)s"
                )
                % {"file": parsed.name, "what": what, "otherwise": otherwise}
            )
