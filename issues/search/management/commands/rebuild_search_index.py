import time

from django.core.management.base import BaseCommand

from issues.search.index import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index from all published issues and all error codes."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        started = time.perf_counter()
        show = options["verbosity"] > 0

        def progress(label: str, done: int, total: int) -> None:
            if not show:
                return
            percent = 100 * done // total if total else 100
            ending = "\n" if done == total else ""
            self.stdout.write(f"\r{label}: {done}/{total} ({percent}%)", ending=ending)
            self.stdout.flush()

        counts = rebuild(progress=progress, batch_size=batch_size)
        took = time.perf_counter() - started
        summary = ", ".join(f"{n} {label}" for label, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Indexed {summary} in {took:.1f}s."))
