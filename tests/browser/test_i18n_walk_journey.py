"""Journey (issue 12, the fresh-eyes walk): what a new reader and a new editor saw.

1. A phone reader opens an English error-code page: the long constant wraps at its word
   boundaries (kTMSDK|Error|Token|…), never mid-word, and nothing overflows.
2. An editor whose name has capitals signs in: the admin header shows it as typed.
3. The editor previews an import: every report line reads in the interface language.

Runs at 390 and 1280 wide in zh-hans and en. Screenshots go to
test-artifacts/journeys/test_constant_wraps_admin_name_and_import_preview_read_well/.
"""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from issues.models import ErrorCode, Product
from tests.importer.conftest import GUIDE
from tests.importer.test_report_language import english_words

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CONSTANT = "kTMSDKErrorTokenVerifyFailed"

# Each <wbr>-separated part of the constant is its own text node: a part drawn on more
# than one line was broken mid-word.
PARTS_BROKEN_MID_WORD = """element => {
  const broken = [];
  for (const node of element.childNodes) {
    if (node.nodeType !== Node.TEXT_NODE || !node.textContent) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (lines.size > 1) broken.push(node.textContent);
  }
  return broken;
}"""
LINES = """element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
}"""


def test_constant_wraps_admin_name_and_import_preview_read_well(journey, django_user_model):
    page = journey.page
    page.set_default_timeout(60_000)  # a preview runs the whole import (and rolls it back)
    product = Product.objects.create(slug="meeting-sdk", name="腾讯会议 SDK")
    code = ErrorCode.objects.create(
        product=product,
        code="-1019",
        constant=CONSTANT,
        description="sdktoken校验失败",
        status="published",
    )

    # 1. The code page on a phone: the constant breaks between words, nothing overflows.
    page.goto(code.get_absolute_url())
    journey.shot("code-page-constant-wraps")
    constants = page.locator("code.constant")
    expect(constants.first).to_have_text(CONSTANT)  # <wbr> adds break points, not characters
    lines = [element.evaluate(LINES) for element in constants.all()]
    for element in constants.all():
        assert element.evaluate(PARTS_BROKEN_MID_WORD) == []
        assert element.evaluate("e => e.getBoundingClientRect().right") <= journey.width
    if journey.is_phone:
        # The facts list's constant is wider than its column on a phone: it wraps, at a
        # word boundary (checked above).
        assert max(lines) > 1
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    # 2. The admin header shows the name as typed, not upper-cased.
    user = django_user_model.objects.create_user("Li.Wei", password="li-wei-pass-1234")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Editors"))
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "Li.Wei")
    page.fill("#id_password", "li-wei-pass-1234")
    page.get_by_role("button", name=journey.text("登录", "Log in")).click()
    name = page.locator("#user-tools strong")
    expect(name).to_have_text("Li.Wei")
    assert name.evaluate("e => getComputedStyle(e).textTransform") == "none"
    assert "Li.Wei" in page.locator("#user-tools").inner_text()
    journey.shot("admin-header-name-as-typed")

    # 3. The import preview reads in the interface language, line by line.
    page.goto("/admin/issues/issue/import/")
    page.set_input_files("#id_document", str(GUIDE))
    page.fill("#id_product", "meeting-sdk")
    page.locator("input[type=submit]").first.click()
    main = page.locator("#content-main")
    expect(main).to_contain_text(journey.text("操作流程：", "procedure: "))
    expect(main).to_contain_text(journey.text("端点表：", "endpoint table: "))
    text = main.inner_text()
    if journey.language == "zh-hans":
        assert english_words(text) == []
        assert "检查清单" in text and "添加了 22 个目标" in text
    else:
        assert "probe checklist" in text and "22 targets added" in text
    journey.shot("import-preview")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0 or not journey.is_phone  # the admin's tables may scroll on a phone
