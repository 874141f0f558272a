from django.core.management.base import BaseCommand

from diagnosis.services import sessions_prune


class Command(BaseCommand):
    help = (
        "Mark walks left open longer than DIAGNOSIS_ABANDON_AFTER_HOURS as abandoned and "
        "delete walks older than DIAGNOSIS_SESSION_RETENTION_DAYS."
    )

    def handle(self, *args, **options):
        abandoned, deleted = sessions_prune()
        self.stdout.write(f"{abandoned} walks marked abandoned, {deleted} rows deleted.")
