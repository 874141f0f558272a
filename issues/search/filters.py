"""Facets on search entries: product, tag, network-related, kind (django-filter)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from issues.models import Product, Tag
from issues.search.models import SearchEntry


class SearchEntryFilter(django_filters.FilterSet):
    product = django_filters.ModelChoiceFilter(
        label=_("Product"),
        queryset=Product.objects.all(),
        to_field_name="slug",
        empty_label=_("All products"),
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"),
        field_name="tags",
        queryset=Tag.objects.all(),
        to_field_name="slug",
        empty_label=_("All tags"),
    )
    network = django_filters.ChoiceFilter(
        label=_("Network-related"),
        field_name="network_related",
        choices=[("1", _("network-related")), ("0", _("not network-related"))],
        empty_label=_("Either"),
        method="filter_network",
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"),
        field_name="kind",
        choices=SearchEntry.Kind.choices,
        empty_label=_("Issues and error codes"),
    )

    class Meta:
        model = SearchEntry
        fields = ["product", "tag", "network", "type"]

    def filter_network(self, queryset, name, value):
        return queryset.filter(network_related=value == "1")

    @property
    def is_filtering(self) -> bool:
        return self.is_bound and any(self.form.cleaned_data.get(name) for name in self.filters)

    def error_message(self) -> str:
        return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in self.form.errors.items())
