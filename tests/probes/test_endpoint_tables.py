"""Imported endpoint tables reach probes through the importer's signal, not an import."""

import pytest
from django.utils import translation

from issues.importer import apply_files, read_document
from issues.importer.signals import document_imported
from issues.models import Product
from probes.endpoint_tables import host_template, on_document_imported
from probes.models import Checklist, ChecklistItem, Target
from tests.importer.conftest import GUIDE

pytestmark = pytest.mark.django_db
SOURCE = "004_9b5b1c46d8420441.txt#procedure"


@pytest.fixture(autouse=True)
def product():
    return Product.objects.create(slug="meeting-sdk", name="Meeting SDK")


def run(**options):
    parsed = [read_document(GUIDE.read_bytes(), name=GUIDE.name)]
    return apply_files(parsed, product_name="meeting-sdk", **options)


def test_fill_in_labels_become_the_prefix_placeholder():
    assert host_template("XXXX.sso.meeting.qq.com") == "{sso_prefix}.sso.meeting.qq.com"
    assert host_template(" conn.wemeet.tencent.com ") == "conn.wemeet.tencent.com"
    assert host_template("xx.example.com") == "xx.example.com"  # two letters are a real label


def test_the_report_lists_the_checklist_it_created():
    with translation.override("en"):
        result = run()
        checklist = Checklist.objects.get(issues__source=SOURCE)
        changes = [str(c) for c in result.files[0].changes if c.kind == "probe checklist"]
    assert changes == [f"created probe checklist {checklist.slug} (22 targets added)"]


def test_the_report_line_reads_chinese_in_the_chinese_interface():
    with translation.override("zh-hans"):
        result = run()
        checklist = Checklist.objects.get(issues__source=SOURCE)
        changes = [str(c) for c in result.files[0].changes if c.kind == "probe checklist"]
    assert changes == [f"新建检查清单 {checklist.slug}（添加了 22 个目标）"]


def test_the_checklist_is_named_in_the_site_language_whoever_imports_it():
    """Its name is content an editor may change: written once, in the site's language."""
    with translation.override("en"):  # an editor reading the English interface
        run()
    checklist = Checklist.objects.get(issues__source=SOURCE)
    title = checklist.issues.get().title
    assert checklist.title == f"{title}：端点"
    assert checklist.description == f"导入自 {GUIDE.name}。"


def test_an_english_site_names_the_checklist_in_english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("zh-hans"):
        run()
    checklist = Checklist.objects.get(issues__source=SOURCE)
    assert checklist.title == f"{checklist.issues.get().title}: endpoints"
    assert checklist.description == f"Imported from {GUIDE.name}."


def test_a_curated_checklist_is_extended_and_keeps_what_editors_added():
    run()
    checklist = Checklist.objects.get()
    extra = Target.objects.create(kind="tcp", host="extra.example.com", port="8443")
    ChecklistItem.objects.create(checklist=checklist, target=extra, position=99)
    checklist.items.filter(target__host="conn.wemeet.tencent.com", target__port="443").delete()
    with translation.override("en"):
        result = run()
        changes = [str(c) for c in result.files[0].changes if c.kind == "probe checklist"]
    assert checklist.items.count() == 23  # the deleted row is back, the editor's row kept
    assert checklist.items.filter(target=extra).exists()
    assert changes == [f"updated probe checklist {checklist.slug} (1 target added)"]


def test_a_dry_run_writes_no_checklist():
    result = run(dry_run=True)
    assert not Checklist.objects.exists()
    assert any(c.kind == "probe checklist" for c in result.files[0].changes)


def test_without_the_probes_receiver_the_table_stays_in_the_fix_text():
    document_imported.disconnect(dispatch_uid="probes.endpoint_tables")
    try:
        with translation.override("en"):
            result = run()
            kept = [str(c) for c in result.files[0].changes if c.kind == "endpoint table"]
    finally:
        document_imported.connect(on_document_imported, dispatch_uid="probes.endpoint_tables")
    assert not Checklist.objects.exists()
    assert kept == ["kept endpoint table in the fix text (no app turns it into a checklist)"]
