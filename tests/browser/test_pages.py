"""Readers' journeys in a real browser: search, feedback, language, a phone screen."""

import re

import pytest
from playwright.sync_api import expect

from issues.models import Feedback, Issue

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_typing_into_search_and_picking_a_suggestion_opens_the_issue(page, shipped_content):
    page.goto("/")
    box = page.locator("main input[type=search]").first
    box.fill("")
    box.press_sequentially("MDM证书", delay=40)
    suggestion = page.locator("[role=listbox] [role=option]").first
    expect(suggestion).to_be_visible()
    link = suggestion.locator("a")
    expected_title = link.inner_text().strip()
    link.click()
    page.wait_for_url(re.compile(r"/issues/[\w-]+/$"))
    expect(page.locator("h1")).to_contain_text(expected_title)
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert Issue.objects.filter(slug=slug, status=Issue.Status.PUBLISHED).exists()


def test_sending_feedback(page, shipped_content):
    issue = Issue.objects.get(slug="ios-mdm-certificate-install-fails")
    page.goto(issue.get_absolute_url())
    page.locator("#feedback-comment").fill("第一步的菜单路径很清楚")
    page.locator("#feedback button[value=yes]").click()
    expect(page.locator("#feedback [role=status]")).to_be_visible()
    feedback = Feedback.objects.get(issue=issue)
    assert feedback.helpful is True
    assert feedback.comment == "第一步的菜单路径很清楚"


def test_switching_language(page, shipped_content):
    page.goto("/codes/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("错误码")
    page.locator("#language-select").select_option("en")
    page.locator(".language-switcher button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Error codes")
    assert page.url.endswith("/codes/")  # stays on the same page
    page.goto("/issues/client-login-connection-timeout/")
    expect(page.locator("#symptoms-heading")).to_have_text("What you see")


def test_code_index_filter_narrows_rows_as_you_type(page, shipped_content):
    page.goto("/codes/")
    rows = page.locator("[data-filter-row]")
    total = rows.count()
    assert total >= 9
    page.locator("#code-filter").fill("1019")
    expect(page.locator("[data-filter-row]:visible")).to_have_count(1)
    expect(page.locator("[data-filter-row]:visible")).to_contain_text(
        "kTMSDKErrorTokenVerifyFailed"
    )
    page.locator("#code-filter").fill("")
    expect(page.locator("[data-filter-row]:visible")).to_have_count(total)


def test_phone_width_issue_page_fits_and_is_saved_as_a_screenshot(
    browser, live_server, shipped_content, artifacts_dir
):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        locale="zh-CN",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        page.goto("/issues/ios-mdm-certificate-install-fails/")
        expect(page.locator("h1")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"page is {overflow}px wider than a 360px screen"
        path = artifacts_dir / "issue-360px.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        page.goto("/codes/meeting-sdk/-1019/")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.screenshot(path=str(artifacts_dir / "code-360px.png"), full_page=True)
    finally:
        context.close()


def test_step_anchor_links_target_the_step(page, shipped_content):
    page.goto("/issues/ios-mdm-certificate-install-fails/")
    page.locator("a.step-anchor[href='#step-2']").click()
    assert page.url.endswith("#step-2")
    expect(page.locator("#step-2")).to_be_in_viewport()
