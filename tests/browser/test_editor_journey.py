"""Journey (issue 13): an editor writes an entry with a Chinese title and adds a screenshot
to its fix, a second editor approves it, the fix is edited, and an earlier revision is
compared and restored.

Runs in zh-hans only (the editors' language), at 390 and 1280 wide. Screenshots go to
test-artifacts/journeys/test_editor_writes_reviews_edits_and_restores/.
"""

import re

import pytest
from playwright.sync_api import expect

from issues.models import Issue, Product
from tests.attachments.conftest import png_bytes
from tests.browser.conftest import JOURNEY_WIDTHS, open_journey

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TITLE = "扫码登录失败"
FIRST_FIX = "在管理端重新生成二维码，再用客户端扫描。"
EDITED_FIX = "在管理端重新生成二维码，确认手机时间准确后再扫描。"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(params=list(JOURNEY_WIDTHS), ids=lambda width: f"zh-hans-{width}")
def editor_journey(request, browser, live_server, artifacts_dir):
    folder = artifacts_dir / "journeys" / "test_editor_writes_reviews_edits_and_restores"
    with open_journey(
        browser, live_server, folder, language="zh-hans", width=request.param, timeout=15_000
    ) as journey:
        yield journey


def log_in(page, username, password):
    page.context.clear_cookies(name="sessionid")
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#editor-desk")).to_be_visible()


def run_action(page, issue, action):
    page.goto("/admin/issues/issue/")
    page.check(f"input[name=_selected_action][value='{issue.pk}']")
    page.select_option("select[name=action]", action)
    page.get_by_role("button", name="执行").click()


def add_screenshot(page, tmp_path, description):
    screenshot = tmp_path / "qr-code.png"
    screenshot.write_bytes(png_bytes(480, 270, colour=(30, 120, 200)))
    fix_box = page.locator("textarea[name='fixes-0-body']")
    fix_box.click()
    fix_box.press("End")
    tools = fix_box.locator("xpath=following-sibling::div[@class='kb-attachment-tools']")
    page.once("dialog", lambda dialog: dialog.accept(description))
    with page.expect_file_chooser() as chooser:
        tools.locator("button").first.click()
    chooser.value.set_files(str(screenshot))
    expect(fix_box).to_have_value(re.compile(r'<img src="/attachments/[0-9a-f]{32}/'))


def test_editor_writes_reviews_edits_and_restores(editor_journey, editor, reviewer, tmp_path):
    journey, page = editor_journey, editor_journey.page
    Product.objects.create(slug="mobile-platform", name="移动管理平台")

    # An editor writes the entry: a Chinese title, the address left empty.
    log_in(page, "editor", "editor-pass-1234")
    journey.shot("desk")
    page.goto("/admin/issues/issue/add/")
    page.select_option("#id_product", label="移动管理平台")
    page.fill("#id_title", TITLE)
    page.locator("#symptoms-group .add-row a").click()
    page.fill("textarea[name='symptoms-0-text']", "扫码后提示登录失败")
    page.locator("#fixes-group .add-row a").click()
    page.fill("textarea[name='fixes-0-body']", FIRST_FIX)
    page.locator("input[name='_continue']").click()
    expect(page.locator(".messagelist")).to_contain_text("成功添加")
    expect(page.locator("#id_slug")).to_have_value("saoma-denglu-shibai")
    journey.shot("created-slug-generated")
    issue = Issue.objects.get(title=TITLE)
    assert issue.status == Issue.Status.DRAFT

    # A screenshot for the fix step ("如下图"), inserted into its Markdown.
    add_screenshot(page, tmp_path, "管理端的二维码页面")
    journey.shot("screenshot-added")
    page.locator("input[name='_continue']").click()
    expect(page.locator(".messagelist")).to_contain_text("成功")

    # Submitted; the author cannot approve it.
    run_action(page, issue, "submit_for_review")
    expect(page.locator(".messagelist")).to_contain_text("已提交")
    run_action(page, issue, "approve_and_publish")
    expect(page.locator(".messagelist")).to_contain_text("另一位编辑")
    journey.shot("own-approval-refused")

    # A second editor finds it waiting on their desk and approves it.
    log_in(page, "reviewer", "reviewer-pass-1234")
    expect(page.locator("#editor-desk")).to_contain_text(TITLE)
    journey.shot("reviewer-desk")
    run_action(page, issue, "approve_and_publish")
    expect(page.locator(".messagelist")).to_contain_text("1")
    page.goto("/issues/saoma-denglu-shibai/")
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator("main")).to_contain_text(FIRST_FIX)
    expect(page.locator("main img[alt='管理端的二维码页面']")).to_be_visible()
    journey.shot("published")

    # The author edits the fix, from the Edit link on the page.
    log_in(page, "editor", "editor-pass-1234")
    page.goto("/issues/saoma-denglu-shibai/")
    page.get_by_role("link", name="编辑此条目").click()
    page.fill("textarea[name='fixes-0-body']", EDITED_FIX)
    page.locator("input[name='_continue']").click()
    expect(page.locator(".messagelist")).to_contain_text("成功")

    # History: numbered, readable revisions, the fix change among them.
    page.goto(f"/admin/issues/issue/{issue.pk}/history/")
    rows = page.locator("table.revision-history tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.nth(0)).to_contain_text("#5")
    expect(rows.nth(0)).to_contain_text("已编辑")
    expect(rows.nth(0)).to_contain_text("解决方法 1")
    expect(rows.nth(1)).to_contain_text("由 reviewer 审核通过")
    expect(rows.nth(2)).to_contain_text("已提交审核")
    expect(rows.nth(3)).to_contain_text("解决方法 1")  # the screenshot
    expect(rows.nth(4)).to_contain_text("新建条目")
    expect(page.locator("table.revision-history")).not_to_contain_text("None")
    journey.shot("history")

    # Compare the fix edit with the revision before it.
    rows.nth(0).get_by_role("link", name="与上一版比较").click()
    changed = page.locator("table.revision-compare tr.changed")
    expect(changed.first).to_contain_text("解决方法 1")
    expect(page.locator("table.revision-compare del").first).to_be_visible()
    expect(page.locator("table.revision-compare ins").first).to_be_visible()
    journey.shot("compare")

    # Restore the approved revision: first what changes, then confirm.
    page.goto(f"/admin/issues/issue/{issue.pk}/history/")
    page.locator("table.revision-history tbody tr").nth(1).get_by_role("link", name="恢复…").click()
    expect(page.locator("#content-main")).to_contain_text("恢复会改变的内容")
    expect(page.locator("#content-main")).to_contain_text(EDITED_FIX)
    expect(page.locator("#content-main")).to_contain_text(FIRST_FIX)
    journey.shot("restore-confirm")
    page.get_by_role("button", name="是的，恢复这个版本").click()
    expect(page.locator(".messagelist")).to_contain_text("已将第 4 版恢复为一个新版本")
    expect(page.locator("table.revision-history tbody tr").first).to_contain_text("恢复了第 4 版")
    journey.shot("restored-history")

    # Readers see the restored fix.
    page.goto("/issues/saoma-denglu-shibai/")
    expect(page.locator("main")).to_contain_text(FIRST_FIX)
    expect(page.locator("main")).not_to_contain_text(EDITED_FIX)
    expect(page.locator("main img[alt='管理端的二维码页面']")).to_be_visible()
    journey.shot("reader-sees-restored-fix")
