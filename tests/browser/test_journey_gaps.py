"""Journey (issue 16): a reader searches for something the knowledge base lacks and answers
"not helpful" on a page; the collector files both as gaps (as the scheduler would); an editor
drafts an issue from the query in the queue, a second editor approves it in the admin, the
search now finds it and the gap shows resolved; the insights page draws its charts.

Runs in zh-hans only (the editors' language), at 390 and 1280 wide. Screenshots go to
test-artifacts/journeys/test_journey_gaps/.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from issues.models import Cause, Fix, Issue, Product, Symptom
from tests.browser.conftest import JOURNEY_WIDTHS, open_journey

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MISSING = "投屏没有声音"
COMMENT = "按步骤做了，还是扫不上"
FIX = "在系统设置里打开投屏音频，再重新投屏。"


@pytest.fixture(params=list(JOURNEY_WIDTHS), ids=lambda width: f"zh-hans-{width}")
def gaps_journey(request, browser, live_server, artifacts_dir):
    folder = artifacts_dir / "journeys" / "test_journey_gaps"
    with open_journey(
        browser, live_server, folder, language="zh-hans", width=request.param, timeout=15_000
    ) as journey:
        yield journey


@pytest.fixture
def knowledge(db):
    product = Product.objects.create(slug="mobile-platform", name="移动管理平台")
    issue = Issue.objects.create(
        product=product, slug="scan-login-fails", title="扫码登录失败", status="published"
    )
    Symptom.objects.create(issue=issue, position=1, text="扫码后提示登录失败")
    cause = Cause.objects.create(issue=issue, position=1, text="二维码已过期")
    Fix.objects.create(issue=issue, cause=cause, position=1, body="在管理端重新生成二维码。")
    return issue


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


def search(page, query):
    page.goto("/search/")
    page.fill("#search-q", query)
    page.locator("#search-q").press("Enter")
    expect(page.locator("#search-q")).to_have_value(query)


def test_journey_gaps(gaps_journey, knowledge, editor, reviewer):
    journey, page = gaps_journey, gaps_journey.page

    # A reader looks for something nobody wrote, then finds a page that does not help.
    search(page, MISSING)
    expect(page.locator("main")).not_to_contain_text("扫码登录失败")
    journey.shot("reader-finds-nothing")
    page.goto(knowledge.get_absolute_url())
    page.fill("#feedback-comment", COMMENT)
    page.locator("button[name=helpful][value=no]").click()
    expect(page.locator("main")).to_contain_text("谢谢")
    journey.shot("reader-not-helpful")

    # The scheduler's periodic command files both.
    call_command("collect_gaps", verbosity=0)

    # The editor sees both in the queue.
    log_in(page, "editor", "editor-pass-1234")
    page.goto("/admin/gaps/gap/")
    queue = page.locator("#result_list")
    expect(queue).to_contain_text(MISSING)
    expect(queue).to_contain_text("扫码登录失败")
    expect(queue).to_contain_text("搜索无结果")
    expect(queue).to_contain_text("被评为“没有帮助”")
    journey.shot("queue")
    page.goto("/admin/gaps/gap/?kind=not_helpful")
    queue.get_by_role("link", name="扫码登录失败").click()
    expect(page.locator("#gap-signals")).to_contain_text(COMMENT)
    journey.shot("not-helpful-gap")

    # … and drafts an issue from the query.
    page.goto("/admin/gaps/gap/?kind=zero_results")
    queue.get_by_role("link", name=MISSING).click()
    draft = page.locator("form[action$='/act/draft/']")
    draft.locator("select[name=product]").select_option(label="移动管理平台")
    journey.shot("zero-result-gap")
    draft.get_by_role("button", name="起草问题").click()
    expect(page.locator(".messagelist")).to_contain_text("已根据缺口创建草稿")
    expect(page.locator("#id_title")).to_have_value(MISSING)
    expect(page.locator("textarea[name='symptoms-0-text']")).to_have_value(MISSING)
    page.locator("#fixes-group .add-row a").click()
    page.fill("textarea[name='fixes-0-body']", FIX)
    page.locator("input[name='_continue']").click()
    expect(page.locator(".messagelist")).to_contain_text("成功")
    journey.shot("draft-finished")
    drafted = Issue.objects.get(title=MISSING)
    run_action(page, drafted, "submit_for_review")
    expect(page.locator(".messagelist")).to_contain_text("已提交")

    # A second editor approves it in the admin.
    log_in(page, "reviewer", "reviewer-pass-1234")
    run_action(page, drafted, "approve_and_publish")
    expect(page.locator(".messagelist")).to_contain_text("1")

    # The reader's search now finds it.
    page.context.clear_cookies(name="sessionid")
    search(page, MISSING)
    first = page.locator("a.search-result__link").first
    expect(first).to_have_text(MISSING)
    journey.shot("search-finds-it")
    first.click()
    expect(page.locator("main")).to_contain_text(FIX)

    # The gap shows resolved.
    log_in(page, "editor", "editor-pass-1234")
    page.goto("/admin/gaps/gap/?status=resolved")
    row = page.locator("#result_list tbody tr", has_text=MISSING)
    expect(row).to_contain_text("已解决")
    journey.shot("gap-resolved")

    # Insights draw their charts (Chart.js from the site's static files).
    page.goto("/admin/gaps/gap/insights/")
    canvas = page.locator("canvas[data-chart=searches]")
    expect(canvas).to_be_visible()
    drawn = page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-chart]')].map(c => ({
            name: c.dataset.chart, width: c.width, chart: !!Chart.getChart(c)}))"""
    )
    assert drawn and all(c["chart"] and c["width"] > 0 for c in drawn), drawn
    expect(page.locator("h2", has_text="每日搜索量")).to_be_visible()
    journey.shot("insights")


def test_a_suggestion_picked_is_logged_once_per_typing_session(gaps_journey, knowledge):
    from issues.search.models import SearchLog

    journey, page = gaps_journey, gaps_journey.page
    page.goto("/search/")
    box = page.locator("#search-q")
    box.press_sequentially("扫码", delay=50)
    expect(page.locator("#search-suggestions [role=option]").first).to_be_visible()
    # Mark the first list: the next response redraws it (and its token is then the one a
    # pick reports). The next keystrokes' request carries the first response's token back.
    page.evaluate("document.querySelector('#search-suggestions [role=option]').dataset.old = 1")
    with page.expect_response(lambda r: "/api/search/" in r.url and "token=" in r.url):
        box.press_sequentially("登录", delay=50)
    expect(page.locator("#search-suggestions [data-old]")).to_have_count(0)
    option = page.locator("#search-suggestions [role=option]", has_text="扫码登录失败")
    expect(option).to_be_visible()
    journey.shot("suggestions")
    with page.expect_navigation():
        option.locator("a").click()
    expect(page.locator("h1")).to_have_text("扫码登录失败")
    logged = SearchLog.objects.get()  # one row for the whole typing session
    assert (logged.source, logged.query) == ("suggest", "扫码登录")
    deadline = 50
    while not logged.clicked_at and deadline:  # the beacon lands beside the navigation
        page.wait_for_timeout(100)
        logged.refresh_from_db()
        deadline -= 1
    assert (logged.clicked_url, logged.clicked_position) == (knowledge.get_absolute_url(), 1)
