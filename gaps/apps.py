from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GapsConfig(AppConfig):
    name = "gaps"
    verbose_name = _("Content gaps")

    def ready(self):
        # Gaps listen to the core (an issue drafted from a gap resolves it once published);
        # the core never imports gaps.
        from gaps import receivers  # noqa: F401
