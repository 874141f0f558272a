from pathlib import Path

from django.core.management.base import BaseCommand

from issues.exporter import EXPORTERS


class Command(BaseCommand):
    help = (
        "Export every entry, error code, symptom, cause, fix, tag and link to DIR, as one JSON "
        "file or as Markdown files with YAML front matter. import_kb reads both back."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, metavar="DIR")
        parser.add_argument("--format", choices=sorted(EXPORTERS), default="json")

    def handle(self, *args, directory, format, **options):
        written = EXPORTERS[format](directory)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} file(s) to {directory}."))
