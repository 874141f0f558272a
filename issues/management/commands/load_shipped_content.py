from django.core.management.base import BaseCommand

from issues.content import load_shipped_content


class Command(BaseCommand):
    help = "Load the shipped knowledge into an empty database; never duplicates or overwrites."

    def handle(self, *args, **options):
        loaded = load_shipped_content(report=self.stdout.write)
        if not loaded:
            self.stdout.write("Nothing to load.")
