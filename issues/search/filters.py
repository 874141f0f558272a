"""Facets on search entries: product, tag, network-related, kind (django-filter).

Product and tag choices are only those of entries the reader may find, so a hidden
product or tag is answered exactly like one that does not exist (no names leak
through the form, and validation is no existence oracle).
"""

import django_filters
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from issues.models import Product, Tag
from issues.search.models import SearchEntry

FACETS = ("product", "tag", "network", "type")


def visible_products(user) -> QuerySet[Product]:
    return Product.objects.filter(pk__in=SearchEntry.objects.visible_to(user).values("product"))


def visible_tags(user) -> QuerySet[Tag]:
    return Tag.objects.filter(pk__in=SearchEntry.objects.visible_to(user).values("tags"))


def _reader(request):
    return getattr(request, "user", None)


class SearchEntryFilter(django_filters.FilterSet):
    product = django_filters.ModelChoiceFilter(
        label=_("Product"),
        queryset=lambda request: visible_products(_reader(request)),
        to_field_name="slug",
        empty_label=_("All products"),
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"),
        field_name="tags",
        queryset=lambda request: visible_tags(_reader(request)),
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
        empty_label=_("All kinds of entry"),
    )

    class Meta:
        model = SearchEntry
        fields = list(FACETS)

    def filter_network(self, queryset, name, value):
        return queryset.filter(network_related=value == "1")

    @property
    def is_filtering(self) -> bool:
        return self.is_bound and any(self.form.cleaned_data.get(name) for name in self.filters)

    def error_message(self) -> str:
        return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in self.form.errors.items())

    def show_counts(self, entry_ids: list[int]) -> None:
        """Label each choice with how many of ``entry_ids`` it holds; drop those with none
        (the value chosen stays, so the reader sees what narrows the page)."""
        entries = SearchEntry.objects.filter(pk__in=entry_ids)
        counts = {
            "product": _counts(entries, "product__slug"),
            "tag": _counts(entries, "tags__slug"),
            "network": {
                "1" if k else "0": n for k, n in _counts(entries, "network_related").items()
            },
            "type": _counts(entries, "kind"),
        }
        chosen = self.data if self.is_bound else {}
        for name, field in self.form.fields.items():
            keep = counts[name]
            choices = [
                (value, label if value == "" else f"{label} ({keep.get(str(value), 0)})")
                for value, label in field.choices
                if value == "" or str(value) in keep or str(value) == chosen.get(name)
            ]
            field.widget.choices = choices  # display only: validation already ran


def _counts(entries: QuerySet, column: str) -> dict:
    rows = entries.order_by().values_list(column).annotate(n=Count("pk", distinct=True))
    return {(str(k) if not isinstance(k, bool) else k): n for k, n in rows if k is not None}
