from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProbesConfig(AppConfig):
    name = "probes"
    verbose_name = _("Connectivity probes")

    def ready(self):
        # The importer announces each file; probes turn its endpoint tables into
        # checklists, so the knowledge core never imports probes.
        from issues.importer.signals import document_imported
        from probes.endpoint_tables import on_document_imported

        document_imported.connect(on_document_imported, dispatch_uid="probes.endpoint_tables")

        # Each monitor's schedule is a django-celery-beat row kept in step with it.
        from probes.schedules import connect_signals

        connect_signals()

        # Staff pages are kept whole by the page cache; probes' parts on them stay live.
        from probes import pagecache_holes

        pagecache_holes.register()
