"""Journey (issue 13 item 6): an editor adds a screenshot to a fix step from the admin,
and readers see it in the fix, at its size, with its description.

Runs at 390 and 1280 wide in zh-hans and en. Screenshots go to
test-artifacts/journeys/test_editor_adds_a_screenshot_to_a_fix_step/.
"""

import re

import pytest
from playwright.sync_api import expect

from attachments.models import Attachment
from issues.models import Fix
from tests.attachments.conftest import png_bytes
from tests.issues.factories import make_issue

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_editor_adds_a_screenshot_to_a_fix_step(journey, editor, tmp_path):
    page = journey.page
    issue = make_issue(slug="push-silent", title="推送没有声音")
    Fix.objects.create(issue=issue, position=1, body="打开推送设置，如下图：")
    screenshot = tmp_path / "push-settings.png"
    screenshot.write_bytes(png_bytes(640, 360, colour=(30, 120, 200)))
    description = journey.text("推送设置页，声音开关已打开", "Push settings with sound on")

    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "editor-pass-1234")
    page.get_by_role("button", name=journey.text("登录", "Log in")).click()
    page.goto(f"/admin/issues/issue/{issue.pk}/change/")
    fix_box = page.locator("textarea[name='fixes-0-body']")
    fix_box.click()
    fix_box.press("End")
    # The button beside this text box (summary and notes have their own).
    button = fix_box.locator("xpath=following-sibling::div[@class='kb-attachment-tools']/button")
    expect(button.first).to_have_text(journey.text("添加图片或文件", "Add image or file"))
    page.once("dialog", lambda dialog: dialog.accept(description))
    with page.expect_file_chooser() as chooser:
        button.first.click()
    chooser.value.set_files(str(screenshot))
    expect(fix_box).to_have_value(re.compile(r'<img src="/attachments/[0-9a-f]{32}/'))
    status = fix_box.locator("xpath=following-sibling::div[@class='kb-attachment-tools']/span")
    expect(status.first).to_contain_text("push-settings.png")
    journey.shot("markdown-inserted")
    page.locator("input[name='_continue']").click()
    expect(page.locator(".messagelist")).to_be_visible()

    page.goto(issue.get_absolute_url())
    image = page.locator(f"main img[alt='{description}']")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") == 640  # it loaded, at full size
    assert (image.get_attribute("width"), image.get_attribute("height")) == ("640", "360")
    box = image.bounding_box()
    assert box["width"] <= journey.width  # scaled down on a phone, never wider than it
    journey.shot("reader-sees-the-screenshot")
    assert Attachment.objects.get().alt == description
