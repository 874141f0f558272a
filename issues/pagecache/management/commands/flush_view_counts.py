"""Write the page views still pending in the cache to the database.

Views are written in batches as readers arrive (issues/pagecache/view_counts.py); this
command writes what an issue nobody opens any more still holds. Run it from
cron (e.g. every few minutes) and before a planned cache restart. It sees the
counters of a shared (Redis) cache; with the process-memory cache each worker's
counters are its own and only that worker writes them.
"""

from django.core.management.base import BaseCommand

from issues.pagecache import view_counts


class Command(BaseCommand):
    help = "Write the page views pending in the cache to the database."

    def handle(self, *args, **options):
        written = view_counts.flush_all()
        self.stdout.write(f"Wrote {written} pending view(s).")
