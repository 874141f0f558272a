"""Export → import into an empty database → export again reproduces everything."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from issues.exporter import export_data
from issues.models import ErrorCode, Issue, Product, Tag
from tests.importer.conftest import FAQ, GUIDE

pytestmark = pytest.mark.django_db


def empty_the_knowledge_base():
    from probes.models import Checklist, ChecklistItem

    ChecklistItem.objects.all().delete()
    Checklist.objects.all().delete()
    ErrorCode.objects.all().delete()
    Issue.objects.all().delete()
    Tag.objects.all().delete()
    Product.objects.all().delete()


@pytest.fixture
def content(editor):
    """The two sources imported, then touched the way editors do: tags, links, review."""
    call_command(
        "import_kb",
        str(FAQ),
        product="mobile-platform",
        create_products=True,
        publish=True,
        verbosity=0,
    )
    call_command("import_kb", str(GUIDE), product="meeting-sdk", create_products=True, verbosity=0)
    first, second = Issue.objects.order_by("source")[:2]
    login, ios = (
        Tag.objects.create(name="登录", slug="login"),
        Tag.objects.create(name="iOS", slug="ios"),
    )
    first.tags.add(login, ios)
    first.related.add(second)
    first.visibility = Issue.Visibility.INTERNAL
    first.last_verified_on = dt.date(2026, 5, 1)
    first.approved_by, first.approved_at = editor, timezone.now()
    first.internal_notes = "## 小标题\n\n内部说明"
    first.save()
    return export_data()


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_round_trip_reproduces_every_entry(content, fmt, tmp_path):
    call_command("export_kb", str(tmp_path / "first"), format=fmt, verbosity=0)
    empty_the_knowledge_base()
    assert export_data()["issues"] == []
    call_command("import_kb", str(tmp_path / "first"), verbosity=0)
    call_command("export_kb", str(tmp_path / "second"), format=fmt, verbosity=0)
    first = {
        p.relative_to(tmp_path / "first"): p.read_text("utf-8")
        for p in (tmp_path / "first").rglob("*")
        if p.is_file()
    }
    second = {
        p.relative_to(tmp_path / "second"): p.read_text("utf-8")
        for p in (tmp_path / "second").rglob("*")
        if p.is_file()
    }
    assert first == second
    assert export_data() == content
    assert len(content["issues"]) == 12 and len(content["error_codes"]) == 9


def test_markdown_export_is_one_readable_file_per_issue(content, tmp_path):
    call_command("export_kb", str(tmp_path), format="markdown", verbosity=0)
    (text,) = [
        path.read_text("utf-8")
        for path in (tmp_path / "mobile-platform").glob("*.md")
        if "source: 000_b13080b74be439e1.txt#3\n" in path.read_text("utf-8")
    ]
    assert text.startswith("---\ntitle: ")
    assert "error_codes:\n- '0'\n" in text
    assert "## 问题现象\n\n- 客户端填写好相应的IP和端口" in text
    assert "### 方法 1（解决原因 1）\n\n在管理端配置正确的DNS。" in text


def test_backup_restores_identical_content_into_an_empty_database(content, tmp_path):
    call_command("export_kb", str(tmp_path), format="json", verbosity=0)
    backup = json.loads((tmp_path / "kbsite-export.json").read_text("utf-8"))
    assert backup == json.loads(json.dumps(content))
    empty_the_knowledge_base()
    call_command("import_kb", str(tmp_path / "kbsite-export.json"), verbosity=0)
    assert export_data() == content
    restored = Issue.objects.get(slug=content["issues"][0]["slug"])
    assert restored.history.count() == 1  # a restore is recorded like any other write
