"""Admin list filters shared by the apps."""

from django.contrib.admin import RelatedFieldListFilter
from django.utils.translation import gettext_lazy as _


class EmptyNamedRelatedFilter(RelatedFieldListFilter):
    """A relation filter whose "no value" choice is worded, not Django's bare "-"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_value_display = _("(none)")
