"""Journey: a helpdesk agent on a phone reads the error-code index: every code and every
column header on one line (the body's overflow-wrap let the table squeeze -1002 into
"-1 / 00 / 2" and 错误码 into one character a line), constants broken only at word
boundaries, nothing wider than the screen."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LINES_OF = """(selector) => {
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  return [...document.querySelectorAll(selector)].map((el) => [el.textContent, lines(el)]);
}"""


def test_codes_and_headers_stay_whole_on_every_width(journey, shipped_content):
    page = journey.page
    page.goto("/codes/")
    table = page.locator(".code-table").first
    expect(table.locator("thead th").first).to_have_text(journey.text("错误码", "Code"))
    journey.shot("code-index")

    codes = page.evaluate(LINES_OF, ".code-table th[scope=row] code")
    assert "-1002" in [text for text, _ in codes] and "2004" in [text for text, _ in codes]
    assert [text for text, lines in codes if lines > 1] == []
    headers = page.evaluate(LINES_OF, ".code-table thead th")
    assert [text for text, lines in headers if lines > 1] == []
    # A constant may take two lines on a phone, each piece a whole word of it.
    constants = page.locator(".code-table .constant")
    expect(constants.first).to_be_visible()
    pieces = page.evaluate(
        """() => [...document.querySelectorAll('.code-table .constant')].flatMap((el) =>
             [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent))"""
    )
    assert "Failed" in pieces and "Token" in pieces  # kTMSDKError|Token|Verify|Failed
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
