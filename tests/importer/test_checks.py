"""Issue 14 items 8 and 9: unknown products and codes, and slug takeovers, refuse a file whole."""

import pytest

from issues.importer import apply_files, read_document
from issues.importer.reader import read_or_refuse
from issues.models import ErrorCode, Issue, Product, Tag
from tests.importer.conftest import GUIDE

pytestmark = pytest.mark.django_db


def entry(name="entry.md", **front) -> bytes:
    front = {"title": "登录失败", **front}
    lines = "\n".join(f"{key}: {value}" for key, value in front.items())
    return f"---\n{lines}\n---\n## 问题现象\n\n- 登录失败\n\n## 解决方法\n\n重新登录。\n".encode()


def run(*files, **options):
    parsed = [read_or_refuse(data, name=name) for name, data in files]
    return apply_files(parsed, **options)


@pytest.fixture
def sdk():
    return Product.objects.create(slug="meeting-sdk", name="腾讯会议 SDK")


def test_unknown_product_is_refused_and_nothing_is_written(sdk):
    result = run(("entry.md", entry(product="meeting-skd", tags="[登录]")))
    (report,) = result.refused
    (error,) = report.parsed.errors
    assert "product “meeting-skd” does not exist (existing: meeting-sdk)" in error
    assert "--create-products" in error
    assert list(Product.objects.values_list("slug", flat=True)) == ["meeting-sdk"]
    assert not Issue.objects.exists() and not Tag.objects.exists()
    assert report.lines()[0] == "entry.md: refused, nothing written from this file"


def test_unknown_product_given_on_the_command_line_is_refused_too(sdk):
    result = run(("entry.md", entry()), product_name="Meeting SDK typo")
    assert "product “Meeting SDK typo” does not exist" in result.refused[0].parsed.errors[0]
    assert Product.objects.count() == 1


def test_creating_a_product_is_an_explicit_choice():
    result = run(("entry.md", entry(product="new-product")), create_products=True)
    assert not result.refused
    assert "product “new-product” does not exist yet; it will be created" in (
        result.files[0].parsed.warnings
    )
    assert Issue.objects.get().product.name == "new-product"


def test_a_product_defined_in_the_same_import_is_known():
    product_file = b"---\nkind: product\nslug: pad\nname: Pad\n---\n"
    result = run(("p.md", product_file), ("entry.md", entry(product="pad")))
    assert not result.refused
    assert Issue.objects.get().product.slug == "pad"


def test_unknown_error_codes_are_reported_and_refuse_the_file(sdk):
    ErrorCode.objects.create(product=sdk, code="-1019")
    result = run(("entry.md", entry(product="meeting-sdk", error_codes="[-1019, 4242]")))
    (error,) = result.refused[0].parsed.errors
    assert "lists error code(s) 4242 that product “meeting-sdk” does not have" in error
    assert not Issue.objects.exists()


def test_known_error_codes_are_linked(sdk):
    code = ErrorCode.objects.create(product=sdk, code="-1019")
    result = run(("entry.md", entry(product="meeting-sdk", error_codes="['1019']")))
    assert not result.refused
    assert list(Issue.objects.get().error_codes.all()) == [code]


def test_a_bad_file_does_not_stop_the_good_ones(sdk):
    result = run(
        ("good.md", entry(product="meeting-sdk", title="好的")),
        ("typo.md", entry(product="meeting", title="坏的")),
        ("types.md", entry(product="meeting-sdk", title="{a: 1}")),
    )
    assert [r.name for r in result.refused] == ["typo.md", "types.md"]
    assert [r.name for r in result.accepted] == ["good.md"]
    assert list(Issue.objects.values_list("title", flat=True)) == ["好的"]


@pytest.fixture
def existing(sdk):
    other = Product.objects.create(slug="mobile-platform", name="移动管理平台")
    issue = Issue.objects.create(
        product=other, title="SDK 登录网络排查", slug="sdk-login-network-troubleshooting"
    )
    issue.symptoms.create(text="原来的现象", position=1)
    return issue


def test_a_slug_takeover_is_refused_and_the_dry_run_says_so(existing):
    data = entry(product="meeting-sdk", slug="sdk-login-network-troubleshooting")
    result = run(("takeover.md", data), dry_run=True)
    (error,) = result.refused[0].parsed.errors
    assert (
        "slug “sdk-login-network-troubleshooting” is the existing entry “SDK 登录网络排查”" in error
    )
    assert "created in the admin" in error
    assert "move it from product mobile-platform to meeting-sdk" in error
    assert "--update-existing" in error
    run(("takeover.md", data))  # a real run refuses it the same way
    issue = Issue.objects.get(pk=existing.pk)
    assert (issue.product.slug, issue.title) == ("mobile-platform", "SDK 登录网络排查")
    assert [s.text for s in issue.symptoms.all()] == ["原来的现象"]


def test_a_slug_takeover_needs_the_explicit_flag(existing):
    data = entry(product="meeting-sdk", slug="sdk-login-network-troubleshooting")
    result = run(("takeover.md", data), update_existing=True)
    assert not result.refused
    assert any("updating it as asked" in w for w in result.files[0].parsed.warnings)
    issue = Issue.objects.get(pk=existing.pk)
    assert (issue.product.slug, issue.title) == ("meeting-sdk", "登录失败")


def test_a_file_updating_the_entry_it_created_is_not_a_takeover(sdk):
    data = entry(product="meeting-sdk", slug="mine", source="guide.md#1")
    run(("entry.md", data))
    again = entry(product="meeting-sdk", slug="mine", source="guide.md#1", title="新标题")
    result = run(("entry.md", again))
    assert not result.refused
    assert Issue.objects.get().title == "新标题"


def test_read_document_still_raises_for_single_callers():
    with pytest.raises(ValueError, match="must be text"):
        read_document(entry(product="5", title="{a: 1}"), name="x.md")


def test_an_entry_changed_since_its_import_is_not_overwritten_without_the_flag(sdk):
    from issues.revisions import revision

    run(("entry.md", entry(product="meeting-sdk", slug="mine", source="guide.md#1")))
    issue = Issue.objects.get()
    with revision(user=None, reason="edited"):
        issue.title = "编辑改好的标题"
        issue.save()
    again = entry(product="meeting-sdk", slug="mine", source="guide.md#1", title="文件里的标题")

    (report,) = run(("entry.md", again)).refused
    assert "was changed after its last import" in report.parsed.errors[0]
    assert "edit the entry in the admin" in report.parsed.errors[0]
    assert Issue.objects.get().title == "编辑改好的标题"  # nothing lost

    result = run(("entry.md", again), update_existing=True)
    assert not result.refused
    assert any("updating it as asked" in w for w in result.files[0].parsed.warnings)
    assert Issue.objects.get().title == "文件里的标题"


def test_shipped_content_is_not_overwritten_by_reimporting_its_source_document(
    shipped_content, guide_bytes
):
    issue = Issue.objects.get(slug="sdk-login-network-troubleshooting")
    assert issue.source.startswith(GUIDE.name)  # the shipped entry came from this document
    result = run((GUIDE.name, guide_bytes), product_name="meeting-sdk")
    (report,) = result.refused
    assert any("is published" in error for error in report.parsed.errors)
    assert Issue.objects.get(pk=issue.pk).title == issue.title


def test_updating_the_shipped_guide_adds_no_second_copy_of_its_endpoint_checks(
    shipped_content, guide_bytes
):
    from probes.models import Checklist

    checklist = Checklist.objects.get(slug="sdk-firewall")
    items, parameters = checklist.items.count(), list(checklist.parameters.values_list("name"))
    result = run((GUIDE.name, guide_bytes), product_name="meeting-sdk", update_existing=True)
    assert not result.refused
    assert checklist.items.count() == items  # the SSO checks were added again as {other}
    assert list(checklist.parameters.values_list("name")) == parameters == [("sso_prefix",)]
