from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from issues.importer import DocumentError, ImportProblem, apply_files, read_paths
from issues.importer.limits import import_max_bytes
from issues.importer.report import totals_text


class Command(BaseCommand):
    help = (
        "Import documents shaped like the source FAQs and guides (.txt, Word .docx, HTML), "
        "Markdown files with YAML front matter, JSON exports, or .zip archives of them. "
        "New entries are drafts unless --publish. Re-running updates entries (matched by "
        "source section or slug) instead of duplicating them. A file that cannot be imported "
        "as given is refused whole, with the reason, and the others are imported; the "
        "command then exits with an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="FILE", help="files or folders")
        parser.add_argument(
            "--product", help="product name or slug for documents that do not name one"
        )
        parser.add_argument("--publish", action="store_true", help="publish the imported entries")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change; write nothing"
        )
        parser.add_argument(
            "--create-products",
            action="store_true",
            help="create products the files name that do not exist yet (else such files are "
            "refused: a misspelt product is not created by accident)",
        )
        parser.add_argument(
            "--update-existing",
            action="store_true",
            help="let a file's “slug:” update an existing entry that the file did not create",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            metavar="N",
            help="refuse files larger than N bytes (default: KB_IMPORT_MAX_BYTES, "
            f"{import_max_bytes() // 1024} KB)",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="the account the revisions are recorded under in the history (as in the admin)",
        )

    def execute(self, *args, **options):
        # The report names the command's own English options (--product NAME): English.
        with translation.override("en"):
            return super().execute(*args, **options)

    def handle(self, *args, paths, product, publish, dry_run, user, **options):
        author = self._author(user)
        try:
            parsed = read_paths(paths, max_bytes=options["max_bytes"])
        except (DocumentError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        show_progress = len(parsed) > 1 and options["verbosity"] >= 1

        def progress(index, total, report):
            if show_progress:
                width = 30
                done = width * index // total
                bar = "#" * done + "-" * (width - done)
                self.stderr.write(f"[{bar}] {index}/{total} {report.name}")

        try:
            result = apply_files(
                parsed,
                product_name=product,
                publish=publish,
                dry_run=dry_run,
                user=author,
                on_file=progress,
                create_products=options["create_products"],
                update_existing=options["update_existing"],
            )
        except ImportProblem as exc:
            raise CommandError(str(exc)) from exc
        for line in result.lines():
            self.stdout.write(line)
        # The summary in the same language as the report lines above it.
        totals = totals_text(result.totals())
        done = len(result.accepted)
        if dry_run:
            self.stdout.write(
                self.style.WARNING(
                    _("Dry run, nothing written. Would be: %(totals)s.") % {"totals": totals}
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    ngettext(
                        "Imported %(count)d file: %(totals)s.",
                        "Imported %(count)d files: %(totals)s.",
                        done,
                    )
                    % {"count": done, "totals": totals}
                )
            )
        if result.refused:
            reasons = "\n".join(line for r in result.refused for line in r.parsed.errors)
            raise CommandError(
                ngettext(
                    "%(refused)d of %(count)d file refused, nothing written from them:\n"
                    "%(reasons)s",
                    "%(refused)d of %(count)d files refused, nothing written from them:\n"
                    "%(reasons)s",
                    len(parsed),
                )
                % {"refused": len(result.refused), "count": len(parsed), "reasons": reasons}
            )

    def _author(self, username: str | None):
        if not username:
            return None
        author = get_user_model().objects.filter(username=username).first()
        if author is None:
            raise CommandError(f"No user named “{username}”: create the account first.")
        return author
