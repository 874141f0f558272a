from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosisConfig(AppConfig):
    name = "diagnosis"
    verbose_name = _("Guided diagnosis")

    def ready(self):
        # The core announces a finished content load; the shipped flows follow it,
        # and flows register as a kind of search entry: issues/ never imports diagnosis.
        from diagnosis import search
        from diagnosis.shipped import load_after_core
        from issues.content import after_content_load

        if not getattr(load_after_core, "registered", False):
            after_content_load(load_after_core)
            load_after_core.registered = True
        search.register()
