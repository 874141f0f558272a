"""Write parsed files into the database: create what is new, update what changed.

Stable keys make re-runs update instead of duplicating: an issue is found by its
``source`` ("<file>#<section>"), else by slug; an error code by (product, code).
Every write goes through the model's ``save()``, so history, the optimistic lock
and the search-index signals apply exactly as for an edit in the admin.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from issues.codes import normalize_code
from issues.importer.checks import ImportOptions, check_files
from issues.importer.document import ErrorCodeDraft, IssueDraft, ParsedFile
from issues.importer.report import Change, FileReport, ImportResult, no_product_message
from issues.importer.signals import document_imported
from issues.importer.slugs import product_slug, unique_slug
from issues.models import ErrorCode, Issue, Product, Tag
from issues.parts import sync_parts
from issues.revisions import revision
from issues.slugs import title_slug
from issues.workflow import code_set_imported_status, issue_set_imported_status


class ImportProblem(ValueError):
    """The files cannot be imported as given (e.g. no product to put them in)."""


_ISSUE_FIELDS = (
    "product_id",
    "title",
    "slug",
    "summary",
    "internal_notes",
    "status",
    "visibility",
    "source",
    "last_verified_on",
    "published_at",
    "approved_at",
    "approved_by_id",
)
_CODE_FIELDS = ("constant", "description", "callbacks", "network_relation", "fix")


def _tag_history(instance, *, reason: str, user) -> None:
    instance._change_reason = reason
    if user is not None:
        instance._history_user = user


class Writer:
    def __init__(self, *, product_name: str | None, publish: bool, user=None):
        self.product_name = product_name
        self.publish = publish
        self.user = user
        self._products: dict[str, Product] = {}
        self._links: list[tuple[FileReport, IssueDraft, Issue]] = []
        self.tag_slugs: dict[str, str] = {}  # tag name → slug, from exports

    # Products ---------------------------------------------------------------------

    def product(self, report: FileReport, key: str) -> Product:
        key = (key or self.product_name or "").strip()
        if not key:
            raise ImportProblem(no_product_message(report.name))
        if key in self._products:
            return self._products[key]
        product = (
            Product.objects.filter(slug=key).first() or Product.objects.filter(name=key).first()
        )
        if product is None:
            slug = unique_slug(
                product_slug(key), taken=lambda s: Product.objects.filter(slug=s).exists()
            )
            product = Product(name=key, slug=slug)
            _tag_history(product, reason=f"import: {report.name}", user=self.user)
            product.save()
            report.changes.append(Change("created", "product", f"{key} [{slug}]"))
        self._products[key] = product
        return product

    def apply_product_drafts(self, report: FileReport) -> None:
        for draft in report.parsed.products:
            product = Product.objects.filter(slug=draft.slug).first()
            created = product is None
            product = product or Product(slug=draft.slug)
            changed = [
                name
                for name, value in (("name", draft.name), ("description", draft.description))
                if value is not None and getattr(product, name) != value
            ]
            product.name = draft.name
            if draft.description is not None:
                product.description = draft.description
            if created or changed:
                _tag_history(product, reason=f"import: {report.name}", user=self.user)
                product.save()
            action = "created" if created else ("updated" if changed else "unchanged")
            report.changes.append(Change(action, "product", draft.slug, [] if created else changed))
            self._products[draft.slug] = product

    # Issues -----------------------------------------------------------------------

    def _find_issue(self, draft: IssueDraft) -> Issue | None:
        found = None
        if draft.source:
            found = Issue.objects.filter(source=draft.source).order_by("pk").first()
        if found is None and draft.slug:
            found = Issue.objects.filter(slug=draft.slug).first()
        if found is not None:
            # A fresh, locked row: the version we compare against is the current one.
            return Issue.objects.select_for_update().get(pk=found.pk)
        return None

    def _new_slug(self, draft: IssueDraft, product: Product) -> str:
        if draft.slug:
            base = slugify(draft.slug)[:120] or draft.slug
        else:
            section = draft.source.rpartition("#")[2] if "#" in draft.source else ""
            words = title_slug(draft.title, max_length=60)
            base = "-".join(part for part in (product.slug, slugify(section), words) if part)
        return unique_slug(base[:110], taken=lambda s: Issue.objects.filter(slug=s).exists())

    def apply_issue(self, report: FileReport, draft: IssueDraft) -> Issue:
        product = self.product(report, draft.product)
        issue = self._find_issue(draft)
        created = issue is None
        if created:
            issue = Issue(product=product, slug=self._new_slug(draft, product))
        before = {name: getattr(issue, name) for name in _ISSUE_FIELDS}
        issue.product = product
        issue.title = draft.title[:200]
        issue.source = draft.source or issue.source
        for name in ("summary", "internal_notes"):
            value = getattr(draft, name)
            if value or draft.complete:
                setattr(issue, name, value)
        if draft.visibility in Issue.Visibility.values:
            issue.visibility = draft.visibility
        if draft.complete:
            if draft.slug and draft.slug != issue.slug:
                issue.slug = self._new_slug(draft, product)
            issue.last_verified_on = draft.last_verified_on
        # Status, approval and publication dates are the workflow's to write.
        issue_set_imported_status(
            issue=issue,
            status=draft.status,
            publish=self.publish,
            user=self.user,
            approved_by=self._user(report, draft.approved_by) if draft.complete else None,
            approved_at=draft.approved_at,
            published_at=draft.published_at,
            recorded=draft.complete,
        )
        changed = [name for name in _ISSUE_FIELDS if getattr(issue, name) != before[name]]
        reason = f"import: {report.name}"
        if created or changed:
            _tag_history(issue, reason=reason, user=self.user)
            issue.save()
        changed += sync_parts(
            issue,
            symptoms=draft.symptoms,
            causes=draft.causes,
            fixes=draft.fixes,
            reason=reason,
            user=self.user,
        )
        if draft.tags is not None and self._apply_tags(report, issue, draft):
            changed.append("tags")
        self._links.append((report, draft, issue))
        label = f"{issue.slug} ← {draft.source or draft.slug}"
        if created:
            report.changes.append(Change("created", "issue", label))
        else:
            fields = [name.removesuffix("_id") for name in changed]
            report.changes.append(
                Change("updated" if fields else "unchanged", "issue", label, fields)
            )
        return issue

    def _user(self, report: FileReport, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            report.parsed.warnings.append(
                _("approver “%(user)s” has no account here; left empty") % {"user": username}
            )
        return user

    def apply_tag_drafts(self, report: FileReport) -> None:
        """Tags an export lists, with their slugs, used or not."""
        for name, slug in report.parsed.tag_slugs.items():
            tag = Tag.objects.filter(name=name).first()
            if tag is None:
                tag = Tag(name=name, slug=slug)
                _tag_history(tag, reason=f"import: {report.name}", user=self.user)
                tag.save()
                report.changes.append(Change("created", "tag", name))

    def _apply_tags(self, report: FileReport, issue: Issue, draft: IssueDraft) -> bool:
        wanted = []
        for name in draft.tags or []:
            tag = Tag.objects.filter(name=name).first()
            if tag is None:
                base = self.tag_slugs.get(name) or slugify(name, allow_unicode=True)
                slug = unique_slug(
                    base or "tag", taken=lambda s: Tag.objects.filter(slug=s).exists()
                )
                tag = Tag(name=name, slug=slug)
                _tag_history(tag, reason=f"import: {report.name}", user=self.user)
                tag.save()
                report.changes.append(Change("created", "tag", name))
            wanted.append(tag)
        current = set(issue.tags.values_list("pk", flat=True))
        target = {tag.pk for tag in wanted} if draft.complete else current | {t.pk for t in wanted}
        if target == current:
            return False
        issue.tags.set(target)
        return True

    # Error codes ------------------------------------------------------------------

    def apply_error_code(self, report: FileReport, draft: ErrorCodeDraft) -> ErrorCode:
        product = self.product(report, draft.product)
        code = (
            ErrorCode.objects.select_for_update()
            .filter(product=product, normalized_code=normalize_code(draft.code))
            .first()
        )
        created = code is None
        code = code or ErrorCode(product=product, code=draft.code)
        changed = []
        for name in _CODE_FIELDS:
            value = getattr(draft, name)
            if value is not None and getattr(code, name) != value:
                setattr(code, name, value)
                changed.append(name)
        before = code.status
        code_set_imported_status(code=code, status=draft.status, publish=self.publish)
        if not created and code.status != before:
            changed.append("status")
        if created or changed:
            _tag_history(code, reason=f"import: {report.name}", user=self.user)
            code.save()
        action = "created" if created else ("updated" if changed else "unchanged")
        report.changes.append(
            Change(action, "error code", f"{product.slug} {code.code}", [] if created else changed)
        )
        return code

    # Links between entries, once every file's rows exist ----------------------------

    def apply_links(self) -> None:
        for report, draft, issue in self._links:
            changed = []
            codes = [
                code
                for raw in draft.error_codes
                if (code := ErrorCode.objects.for_code(raw).filter(product=issue.product).first())
            ]
            current = set(issue.error_codes.values_list("pk", flat=True))
            wanted = {code.pk for code in codes}
            target = wanted if draft.complete else current | wanted
            if target != current:
                # Changed from the code's side: simple-history records m2m changes of the
                # model declaring the field and fails on the reverse side.
                for code in ErrorCode.objects.filter(pk__in=target - current):
                    code.issues.add(issue)
                for code in ErrorCode.objects.filter(pk__in=current - target):
                    code.issues.remove(issue)
                changed.append("error codes")
            if draft.related is not None:
                related = Issue.objects.filter(slug__in=draft.related).exclude(pk=issue.pk)
                missing = set(draft.related) - set(related.values_list("slug", flat=True))
                for slug in sorted(missing):
                    report.parsed.warnings.append(
                        _("%(issue)s: related entry “%(slug)s” not found")
                        % {"issue": issue.slug, "slug": slug}
                    )
                current = set(issue.related.values_list("pk", flat=True))
                wanted = set(related.values_list("pk", flat=True))
                target = wanted if draft.complete else current | wanted
                if target != current:
                    issue.related.set(target)
                    changed.append("related")
            if changed:
                report.changes.append(Change("updated", "links of", issue.slug, changed))


def _announce(report: FileReport, *, user) -> None:
    """Let other apps act on the file (probes turn endpoint tables into checklists)."""
    responses = document_imported.send(sender=Writer, report=report, user=user)
    if report.parsed.endpoint_tables and not any(answer for _, answer in responses):
        report.changes.append(
            Change(
                "kept",
                "endpoint table",
                _("in the fix text (no app turns it into a checklist)"),
            )
        )


def apply_files(
    files: list[ParsedFile],
    *,
    product_name: str | None = None,
    publish: bool = False,
    dry_run: bool = False,
    user=None,
    on_file=None,
    create_products: bool = False,
    update_existing: bool = False,
) -> ImportResult:
    """Import parsed files in one transaction; with ``dry_run`` roll it back afterwards.

    Rolling back a real run, instead of guessing, makes the preview list exactly the
    changes a commit would make. Files that fail the checks in ``checks.py`` (or could
    not be read) are reported as refused and write nothing; the others are imported.
    """
    if publish and user is not None and not user.has_perm("issues.approve_issue"):
        # Publishing is approving: refused before anything is written, not half way.
        raise ImportProblem(
            _(
                "%(user)s may not publish entries (no approve permission); "
                "import them as drafts and have them reviewed."
            )
            % {"user": user.get_username()}
        )
    all_reports = [FileReport(parsed=parsed) for parsed in files]
    writer = Writer(product_name=product_name, publish=publish, user=user)
    names = ", ".join(report.name for report in all_reports)
    # One entry revision per imported entry, its parts and links included.
    with transaction.atomic(), revision(user=user, reason="imported", detail=names):
        check_files(
            all_reports,
            ImportOptions(
                product_name=product_name,
                create_products=create_products,
                update_existing=update_existing,
            ),
        )
        reports = [report for report in all_reports if not report.parsed.errors]
        # Products, then codes, then issues, across all files: an issue file may name a
        # product or code that a file later in the list defines.
        for report in reports:
            writer.tag_slugs.update(report.parsed.tag_slugs)
            writer.apply_product_drafts(report)
            writer.apply_tag_drafts(report)
        for report in reports:
            for draft in report.parsed.error_codes:
                writer.apply_error_code(report, draft)
        for index, report in enumerate(all_reports, start=1):
            if not report.parsed.errors:
                for draft in report.parsed.issues:
                    writer.apply_issue(report, draft)
            if on_file is not None:
                on_file(index, len(all_reports), report)
        writer.apply_links()
        for report in reports:
            _announce(report, user=user)
        if dry_run:
            transaction.set_rollback(True)
    return ImportResult(files=all_reports, dry_run=dry_run)
