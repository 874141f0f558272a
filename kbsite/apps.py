from django.apps import AppConfig


class KbsiteConfig(AppConfig):
    """The wiring app: the shared rate-limit counters and the start-up checks."""

    name = "kbsite"
    verbose_name = "kbsite"

    def ready(self):
        # A large import queues one search-index rebuild on the task queue (kbsite/tasks.py).
        from issues.importer.signals import document_imported
        from kbsite import checks  # noqa: F401  (registers the system checks)
        from kbsite.tasks import rebuild_after_large_import

        document_imported.connect(rebuild_after_large_import, dispatch_uid="kbsite.rebuild_index")
