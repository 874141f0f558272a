"""Issue 12, journey 1 (helpdesk) and the search part of journey 2 (phone reader):
what a person sees on the search page, at 390 and 1280 wide, in zh-hans and en."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def result_count(page) -> int:
    return int(re.search(r"\d+", page.locator(".search-count").inner_text()).group())


def open_filters(journey):
    """On a phone the filters are folded away under their summary; a person opens them."""
    details = journey.page.locator("details.search-facets")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    expect(details.locator("select[name=product]")).to_be_visible()


def pick_suggestion(journey, box, typed: str, *, kind: str):
    """Type into a search box, check the suggestion says what it is and marks the match,
    pick it; returns the title it showed."""
    page = journey.page
    box.click()
    box.press_sequentially(typed, delay=40)
    option = page.locator("[role=listbox]:visible [role=option]").first
    expect(option).to_be_visible()
    expect(option.locator(".search-box__kind")).to_have_text(kind)
    expect(option.locator("mark").first).to_be_visible()
    journey.shot("suggestions")
    link = option.locator("a")
    title = link.inner_text().strip()
    link.click()
    return title


def search_on_the_page(journey, typed: str):
    """Type a query into the search page's box and press Enter; returns the box."""
    page = journey.page
    page.goto("/search/")
    box = page.locator("main input[type=search][name=q]")
    box.fill(typed)
    box.press("Enter")
    page.wait_for_url(re.compile(r"\?q="))
    return box


def test_helpdesk_types_a_symptom_and_picks_a_suggestion(journey, shipped_content):
    page = journey.page
    page.goto("/")
    box = page.locator("main input[type=search][name=q]")
    title = pick_suggestion(journey, box, "MDM证书", kind=journey.text("问题", "Issue"))
    page.wait_for_url(re.compile(r"/issues/[\w-]+/$"))
    expect(page.locator("h1")).to_contain_text(title)
    journey.shot("fix-page")


def test_the_header_box_suggests_on_every_page(journey, shipped_content):
    page = journey.page
    page.goto("/codes/")
    box = page.locator("header input[name=q]")
    title = pick_suggestion(journey, box, "-1019", kind=journey.text("错误码", "Error code"))
    assert "-1019" in title
    page.wait_for_url("**/codes/meeting-sdk/-1019/")
    expect(page.locator("h1")).to_contain_text("-1019")
    journey.shot("code-page")


def test_filtering_keeps_the_query_and_the_counts_add_up(journey, shipped_content):
    page = journey.page
    page.goto("/search/?q=登录")
    box = page.locator("main input[type=search][name=q]")
    expect(box).to_have_value("登录")
    expect(page).to_have_title(re.compile(r"^“登录” – (搜索|search) · kbsite$"))
    total = result_count(page)
    journey.shot("results")
    open_filters(journey)
    product = page.locator("select[name=product]")
    options = product.locator("option:not([value=''])")
    counts = {
        options.nth(i).get_attribute("value"): int(re.search(r"\((\d+)\)$", text).group(1))
        for i, text in enumerate(options.all_inner_texts())
    }
    assert sum(counts.values()) == total  # each entry under one product
    product.select_option("meeting-sdk")
    journey.shot("filter-chosen")
    page.get_by_role("button", name=journey.text("应用", "Apply")).click()
    page.wait_for_url(re.compile(r"product=meeting-sdk"))
    expect(box).to_have_value("登录")  # the query went through the filter
    assert result_count(page) == counts["meeting-sdk"]
    expect(page.locator(".search-result__meta").first).to_contain_text(
        journey.text("腾讯会议", "腾讯会议")
    )
    journey.shot("filtered")
    page.locator(".search-count a").click()  # clear filters
    page.wait_for_url(re.compile(r"/search/\?q="))
    expect(box).to_have_value("登录")
    assert result_count(page) == total
    journey.shot("cleared")


def test_zero_results_show_the_query_and_the_closest_entries(journey, shipped_content):
    page = journey.page
    search_on_the_page(journey, "扫马下栽")
    empty = page.locator(".search-empty")
    expect(empty).to_contain_text("“扫马下栽”")
    expect(empty.locator("h2").first).to_have_text(journey.text("最接近的条目", "Closest entries"))
    closest = empty.locator(".search-result__link").first
    expect(closest).to_contain_text("扫码下载")
    journey.shot("zero-results")
    closest.click()
    page.wait_for_url("**/issues/qr-code-download-address-missing-ip-port/")
    journey.shot("closest-opened")


def test_a_typod_constant_leads_to_the_code_page(journey, shipped_content):
    page = journey.page
    box = search_on_the_page(journey, "ktmsdkerrortokenverifyfaild")
    expect(page.locator(".search-correction")).to_contain_text("kTMSDKErrorTokenVerifyFailed")
    expect(box).to_have_value("ktmsdkerrortokenverifyfaild")
    journey.shot("did-you-mean")
    page.locator(".search-result__link").first.click()
    page.wait_for_url("**/codes/meeting-sdk/-1019/")
    expect(page.locator("main")).to_contain_text("kTMSDKErrorTokenVerifyFailed")
    expect(page.locator("h1")).to_contain_text("-1019")
    journey.shot("code-page")


def test_the_first_result_is_on_screen_without_scrolling(journey, shipped_content):
    """Journey 2: on a 390 × 844 phone the first result started at y = 737."""
    page = journey.page
    page.goto("/search/?q=token+expired")
    first = page.locator(".search-result").first
    expect(first).to_be_visible()
    box = first.locator(".search-result__link").bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"]
    assert page.evaluate("window.scrollY") == 0
    if journey.is_phone:
        expect(page.locator("details.search-facets select[name=product]")).to_be_hidden()
    journey.shot("first-result")


def option_counts(select) -> dict[str, int]:
    options = select.locator("option:not([value=''])")
    return {
        options.nth(i).get_attribute("value"): int(re.search(r"\((\d+)\)$", text).group(1))
        for i, text in enumerate(options.all_inner_texts())
    }


def test_a_second_facet_shows_as_many_as_its_count(journey, shipped_content):
    """A helpdesk agent narrows "扫码下载没有ip端口" to a product, then to a tag: each
    count offered is the number of results the choice shows, and no choice adds a result
    the list did not have (a product counted 2 used to show 3)."""
    page = journey.page
    search_on_the_page(journey, "扫码下载没有ip端口")
    before = set(page.locator(".search-result__link").evaluate_all("as => as.map(a => a.href)"))
    open_filters(journey)
    product_counts = option_counts(page.locator("select[name=product]"))
    product, count = min(product_counts.items(), key=lambda item: item[1])
    page.locator("select[name=product]").select_option(product)
    page.get_by_role("button", name=journey.text("应用", "Apply")).click()
    page.wait_for_url(re.compile(rf"product={product}"))
    expect(page.locator(".search-result")).to_have_count(count)
    after = set(page.locator(".search-result__link").evaluate_all("as => as.map(a => a.href)"))
    assert after <= before
    journey.shot("product-chosen")
    open_filters(journey)
    tags = option_counts(page.locator("select[name=tag]"))
    assert tags, "with a product chosen, its tags are offered"
    tag, tag_count = next(iter(tags.items()))
    page.locator("select[name=tag]").select_option(tag)
    page.get_by_role("button", name=journey.text("应用", "Apply")).click()
    page.wait_for_url(re.compile(rf"tag={tag}"))
    expect(page.locator(".search-result")).to_have_count(tag_count)
    expect(page.locator("main input[type=search][name=q]")).to_have_value("扫码下载没有ip端口")
    journey.shot("tag-chosen")


def test_filters_that_find_nothing_say_so(journey, shipped_content):
    page = journey.page
    page.goto("/search/?q=登录失败&product=meeting-sdk&tag=mdm")
    expect(page.locator(".search-empty")).to_contain_text(
        journey.text(
            "在这些筛选条件下，没有与“登录失败”匹配的结果。",
            "Nothing matches “登录失败” with these filters.",
        )
    )
    journey.shot("nothing-with-filters")
    page.locator(".search-empty a.search-clear").click()
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert result_count(page) > 0
    journey.shot("filters-cleared")
