import pytest
from django.utils import translation

from issues.importer import apply_files, read_document
from issues.models import ErrorCode, Issue, Product, Symptom
from tests.importer.conftest import FAQ, GUIDE

pytestmark = pytest.mark.django_db


def run(*files, product="mobile-platform", **options):
    parsed = [read_document(path.read_bytes(), name=path.name) for path in files]
    options.setdefault("create_products", True)
    return apply_files(parsed, product_name=product, **options)


def test_import_creates_drafts_with_parts_and_codes():
    run(FAQ)
    assert Issue.objects.count() == 11
    assert set(Issue.objects.values_list("status", flat=True)) == {Issue.Status.DRAFT}
    issue = Issue.objects.get(source="000_b13080b74be439e1.txt#7")
    assert issue.product.slug == "mobile-platform"
    assert [code.code for code in issue.error_codes.all()] == ["2004"]
    assert issue.fixes.get().cause == issue.causes.get()
    assert issue.history.count() == 1


def test_publish_flag_publishes():
    run(FAQ, publish=True)
    assert Issue.objects.published().count() == 11
    assert not Issue.objects.filter(published_at__isnull=True).exists()


def test_rerun_updates_instead_of_duplicating():
    run(FAQ)
    counts = (Issue.objects.count(), Symptom.objects.count(), ErrorCode.objects.count())
    result = run(FAQ)
    assert (Issue.objects.count(), Symptom.objects.count(), ErrorCode.objects.count()) == counts
    assert result.totals() == {"unchanged": 13}
    assert Issue.objects.get(source="000_b13080b74be439e1.txt#1").history.count() == 1


def test_rerun_of_an_edited_document_updates_the_changed_entry(tmp_path):
    run(FAQ)
    edited = tmp_path / FAQ.name
    edited.write_text(
        FAQ.read_text("utf-8").replace("在管理端配置正确的DNS。", "配置正确的DNS服务器。")
    )
    result = run(edited)
    issue = Issue.objects.get(source="000_b13080b74be439e1.txt#3")
    assert issue.fixes.get().body == "配置正确的DNS服务器。"
    assert issue.fixes.get().history.count() == 2  # the old text is kept in history
    changes = [str(c) for c in result.files[0].changes if c.action == "updated"]
    assert changes == ["updated issue " + issue.slug + " ← 000_b13080b74be439e1.txt#3 (fixes)"]


def test_rerun_keeps_an_editors_status_and_slug():
    run(FAQ)
    issue = Issue.objects.get(source="000_b13080b74be439e1.txt#2")
    issue.status, issue.slug = Issue.Status.PUBLISHED, "curated-slug"
    issue.save()
    run(FAQ)
    issue.refresh_from_db()
    assert (issue.status, issue.slug) == (Issue.Status.PUBLISHED, "curated-slug")


def test_dry_run_writes_nothing_and_reports_the_changes():
    result = run(FAQ, GUIDE, dry_run=True)
    assert not Issue.objects.exists()
    assert not ErrorCode.objects.exists()
    assert not Product.objects.exists()
    assert result.totals()["created"] >= 12 + 9


def test_product_slug_falls_back_to_ascii_for_chinese_names():
    run(FAQ, product="移动管理平台")
    assert Product.objects.get().slug.startswith("product-")
    run(GUIDE, product="腾讯会议 SDK")
    assert Product.objects.get(name="腾讯会议 SDK").slug == "sdk"


def test_existing_product_found_by_slug_or_name():
    Product.objects.create(slug="meeting-sdk", name="腾讯会议 SDK")
    run(GUIDE, product="腾讯会议 SDK")
    run(GUIDE, product="meeting-sdk")
    assert Product.objects.count() == 1
    assert Issue.objects.count() == 1


def test_missing_product_is_a_clear_error():
    # In the reader's language: the admin shows it in Chinese by default.
    with translation.override("zh-hans"):
        (report,) = run(FAQ, product=None).refused
    assert "没有指定产品" in report.parsed.errors[0]
    (report,) = run(FAQ, product=None).refused
    assert "no product given. Pass --product NAME" in report.parsed.errors[0]
    assert not Issue.objects.exists()


def test_endpoint_table_becomes_a_probe_checklist():
    from probes.models import Checklist

    run(GUIDE, product="meeting-sdk")
    issue = Issue.objects.get(source="004_9b5b1c46d8420441.txt#procedure")
    checklist = Checklist.objects.get(issues=issue)
    targets = [(i.target.kind, i.target.host, i.target.port) for i in checklist.ordered_items()]
    assert targets[0] == ("tcp", "conn.wemeet.tencent.com", "443")
    assert ("udp", "quic.conn.wemeet.qq.com", "443") in targets
    assert ("tcp", "{sso_prefix}.sso.meeting.qq.com", "80") in targets
    assert len(targets) == 22
    assert checklist.parameters.get().name == "sso_prefix"
    run(GUIDE, product="meeting-sdk")  # re-run adds nothing twice
    assert checklist.items.count() == 22
