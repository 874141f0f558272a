"""Journey (issue 13 item 7, issue 14 items 8-9): an editor uploads a Word document with a
screenshot, a Confluence page and a file with a typo'd product in one go, reads the
report per file, imports, and readers see the entry with the screenshot.

Runs at 390 and 1280 wide in zh-hans and en. Screenshots go to
test-artifacts/journeys/test_editor_imports_word_and_html_documents/.
"""

import pytest
from playwright.sync_api import expect

from attachments.models import Attachment
from issues.models import Issue, Product
from issues.workflow import issue_approve, issue_submit
from tests.attachments.conftest import png_bytes
from tests.importer.test_html_docx import CONFLUENCE, docx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_editor_imports_word_and_html_documents(journey, editor, reviewer, tmp_path):
    page = journey.page
    page.set_default_timeout(60_000)  # a preview runs the whole import (and rolls it back)
    Product.objects.create(slug="mobile-platform", name="移动管理平台")
    word = tmp_path / "faq.docx"
    word.write_bytes(docx_bytes(image=png_bytes(480, 240, colour=(20, 140, 90))))
    html = tmp_path / "wiki.html"
    html.write_text(CONFLUENCE.replace("4.IOS", "7.IOS"), encoding="utf-8")
    typo = tmp_path / "typo.md"
    typo.write_text("---\ntitle: 登录失败\nproduct: mobile-platfrom\n---\n", encoding="utf-8")

    page.goto("/admin/login/?next=/admin/issues/issue/import/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "editor-pass-1234")
    page.get_by_role("button", name=journey.text("登录", "Log in")).click()
    page.set_input_files("#id_document", [str(word), str(html), str(typo)])
    page.fill("#id_product", "mobile-platform")
    journey.shot("upload")
    page.locator("input[type=submit]").click()

    refused = page.locator(".import-refused")
    expect(refused).to_contain_text(journey.text("已拒绝", "Refused"))
    expect(refused).to_contain_text(
        journey.text("产品“mobile-platfrom”不存在", "product “mobile-platfrom” does not exist")
    )
    main = page.locator("#content-main")
    expect(main).to_contain_text("faq.docx · Word")
    expect(main).to_contain_text("wiki.html · HTML")
    expect(main).to_contain_text(
        journey.text("图片 1“推送设置页”作为附件", "image 1 “推送设置页” as an attachment")
    )
    journey.shot("preview-per-file")
    assert not Issue.objects.exists()
    page.get_by_role("button", name=journey.text("导入", "Import")).click()
    expect(page.locator(".messagelist")).to_contain_text("faq.docx, wiki.html")
    journey.shot("imported")

    issue = Issue.objects.get(source="faq.docx#4")
    assert Issue.objects.filter(source="wiki.html#7").exists()
    # Review is another journey's: submitted by the author, approved by a second editor.
    issue_approve(issue=issue_submit(issue=issue, user=editor), user=reviewer)
    page.goto(issue.get_absolute_url())
    image = page.locator("main img[alt='推送设置页']")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") == 480
    expect(page.locator("main")).to_contain_text("正确安装mdm描述文件")
    journey.shot("reader-sees-the-word-screenshot")
    assert Attachment.objects.count() == 1
