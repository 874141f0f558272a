"""Facets on search entries: product, tag, network-related, kind (django-filter).

Product and tag choices are only those of entries the reader may find, so a hidden
product or tag is answered exactly like one that does not exist (no names leak
through the form, and validation is no existence oracle).
"""

from collections import Counter

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from issues.models import Product, Tag
from issues.search.models import SearchEntry

FACETS = ("product", "tag", "network", "type")


def visible_products(user) -> QuerySet[Product]:
    return Product.objects.filter(pk__in=SearchEntry.objects.visible_to(user).values("product"))


def visible_tags(user) -> QuerySet[Tag]:
    return Tag.objects.filter(pk__in=SearchEntry.objects.visible_to(user).values("tags"))


class FacetSelect(forms.Select):
    """A plain <select> written in Python: Django renders each <option> through a
    template, which cost the results page about 2 ms for its thirty-odd facet values."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))  # strings, as Django's Select compares
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        attributes = {"name": name, **self.build_attrs(self.attrs, attrs)}
        # In Django's order; True is a bare attribute, False and None leave it out.
        written = format_html_join(
            "",
            "{}",
            (
                (format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value),)
                for key, value in attributes.items()
                if value is not False and value is not None
            ),
        )
        return format_html("<select{}>{}</select>", written, options)


def _reader(request):
    return getattr(request, "user", None)


class SearchEntryFilter(django_filters.FilterSet):
    product = django_filters.ModelChoiceFilter(
        label=_("Product"),
        widget=FacetSelect,
        queryset=lambda request: visible_products(_reader(request)),
        to_field_name="slug",
        empty_label=_("All products"),
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"),
        widget=FacetSelect,
        field_name="tags",
        queryset=lambda request: visible_tags(_reader(request)),
        to_field_name="slug",
        empty_label=_("All tags"),
    )
    network = django_filters.ChoiceFilter(
        label=_("Network-related"),
        widget=FacetSelect,
        field_name="network_related",
        choices=[("1", _("network-related")), ("0", _("not network-related"))],
        empty_label=_("Either"),
        method="filter_network",
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"),
        widget=FacetSelect,
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
        """Label each choice with how many of ``entry_ids`` it holds once the other facets
        chosen are applied (so every count is what choosing it shows, and combinations
        that find nothing are not offered); drop those with none. The value chosen stays,
        so the reader sees what narrows the page."""
        chosen = {name: str(self.data.get(name) or "") for name in FACETS} if self.is_bound else {}
        rows = _facet_values(entry_ids)
        for name, field in self.form.fields.items():
            others = [(facet, value) for facet, value in chosen.items() if value and facet != name]
            keep = Counter()
            for row in rows:
                if all(value in row[facet] for facet, value in others):
                    keep.update(row[name])
            choices = [
                (value, label if value == "" else f"{label} ({keep.get(str(value), 0)})")
                for value, label in field.choices
                if value == "" or str(value) in keep or str(value) == chosen.get(name)
            ]
            field.widget.choices = choices  # display only: validation already ran


def _facet_values(entry_ids: list[int]) -> list[dict[str, set[str]]]:
    """Each entry's facet values, as the form sends them: two queries (the entries' own
    columns, then their tags)."""
    rows = {
        pk: {
            "product": {product},
            "tag": set(),
            "network": {"1" if network else "0"},
            "type": {kind},
        }
        for pk, product, network, kind in SearchEntry.objects.filter(pk__in=entry_ids).values_list(
            "pk", "product__slug", "network_related", "kind"
        )
    }
    tags = SearchEntry.tags.through.objects.filter(searchentry_id__in=entry_ids)
    for pk, tag in tags.values_list("searchentry_id", "tag__slug"):
        rows[pk]["tag"].add(tag)
    return list(rows.values())
