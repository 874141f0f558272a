from django.core.management.base import BaseCommand

from gaps.collect import gaps_collect
from gaps.metrics import metrics_refresh


class Command(BaseCommand):
    help = "File new signals (searches, answers, sessions, checks, reviews) into content gaps."

    def add_arguments(self, parser):
        parser.add_argument(
            "--metric-days", type=int, default=None, help="Recount this many days of metrics."
        )

    def handle(self, *args, metric_days=None, **options):
        counts = gaps_collect()
        metrics = metrics_refresh(days=metric_days)
        self.stdout.write(
            f"{counts['signals']} new signals in {counts['gaps']} gaps, "
            f"{counts['reopened']} reopened; {metrics} daily counts refreshed."
        )
