from django.core.management.base import BaseCommand

from issues.search.analytics import prune_search_logs, retention_days


class Command(BaseCommand):
    help = "Delete search log entries older than SEARCH_LOG_RETENTION_DAYS (or --days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days, **options):
        days = retention_days() if days is None else days
        deleted = prune_search_logs(older_than_days=days)
        self.stdout.write(f"Deleted {deleted} search log entries older than {days} days.")
