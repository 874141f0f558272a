from django.core.management.base import BaseCommand

from gaps.prune import gaps_prune


class Command(BaseCommand):
    help = "Delete signals, feedback and search logs past retention; daily counts stay."

    def handle(self, *args, **options):
        counts = gaps_prune()
        self.stdout.write(
            f"Pruned {counts['signals']} signals, {counts['feedback']} answers, "
            f"{counts['searches']} searches."
        )
