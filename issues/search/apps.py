from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "issues.search"
    label = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Signal handlers keep the index in step with every save and delete; the
        # shipped-content loader saves raw rows (no signals), so it gets a full rebuild.
        from issues.content import after_content_load
        from issues.search import index

        index.connect_signals()
        if not getattr(index.rebuild_after_content_load, "registered", False):
            after_content_load(index.rebuild_after_content_load)
            index.rebuild_after_content_load.registered = True
