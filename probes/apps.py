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
