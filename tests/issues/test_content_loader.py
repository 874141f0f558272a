import pytest
from django.apps import apps

from issues.content import load_shipped_content

pytestmark = pytest.mark.django_db


def test_every_shipped_row_has_its_first_revision():
    load_shipped_content()
    checked = 0
    for model in apps.get_app_config("issues").get_models():
        if not hasattr(model, "history") or model.__name__.startswith("Historical"):
            continue
        with_history = set(model.history.values_list(model._meta.pk.attname, flat=True))
        rows = set(model.objects.values_list("pk", flat=True))
        assert rows and rows <= with_history, model.__name__
        checked += 1
    assert checked == 7


def test_loading_reports_what_it_did_and_skips_filled_apps():
    lines = []
    assert "issues" in load_shipped_content(report=lines.append)
    assert load_shipped_content(report=lines.append) == []
    assert any("already has content" in line for line in lines)
