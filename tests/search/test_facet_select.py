"""The facet <select> written in Python renders what Django's template-based one does."""

import re

import pytest
from django import forms

from issues.search.filters import FacetSelect

CHOICES = [("", "All products"), ("a&b", "<Acme> (3)"), ("meeting-sdk", "腾讯会议 SDK (9)")]


def _compact(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "", "a&b", "meeting-sdk", "unknown"])
def test_renders_like_djangos_select(value):
    attrs = {"id": "id_product", "aria-describedby": "hint"}
    ours = FacetSelect(choices=CHOICES).render("product", value, attrs)
    django = forms.Select(choices=CHOICES).render("product", value, attrs)
    assert _compact(ours) == _compact(django)
    assert "<Acme>" not in ours and "&lt;Acme&gt;" in ours  # labels are escaped


def test_boolean_attributes():
    html = FacetSelect(choices=CHOICES).render("tag", None, {"required": True, "disabled": False})
    assert html.startswith('<select name="tag" required>')
