"""Journey: a helpdesk member walks the SDK login flow from error code -1018.

The sdk-firewall checklist runs from the server against loopback listeners (the
shipped names resolve to 127.0.0.1 here, ports moved to listeners, one closed);
its rows fill in live, the flow moves on by itself to the escalation that names
the closed endpoint, and the copied summary lists it.
"""

import re
import threading
import time

import pytest
from django.db import OperationalError, connection
from django.test import Client
from playwright.sync_api import expect

from diagnosis import services as diagnosis_services
from probes.services import probe_run_execute
from tests.probes.factories import make_prober

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The loopback fixtures (loopback_only, firewall_on_loopback, …) of tests/diagnosis.
from tests.diagnosis.conftest import *  # noqa: E402, F403


@pytest.fixture
def worker(monkeypatch):
    """Runs are executed a moment after they are queued, on another thread, as a worker
    would: the page has to wait for them and fill in their rows."""

    def enqueue(*, run):
        def execute():
            # The test database is SQLite in memory, shared by threads: a write can meet
            # "table is locked" while the page polls. Rows already done are kept, so
            # executing again finishes the rest (PostgreSQL never needs this).
            try:
                for _attempt in range(10):
                    try:
                        probe_run_execute(run=run)
                        return
                    except OperationalError:
                        time.sleep(0.2)
            finally:
                connection.close()

        # Long enough for the "checking" screenshot to finish before the page moves on.
        threading.Timer(3.0, execute).start()

    monkeypatch.setattr(diagnosis_services, "probe_run_enqueue", enqueue)


def sign_in(journey, live_server, user):
    client = Client()
    client.force_login(user)
    host = live_server.url.split("//", 1)[1].split(":", 1)[0]
    journey.page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )


def test_staff_walk_the_sdk_flow_from_1018_to_the_escalation(
    journey, live_server, django_user_model, firewall_on_loopback, worker
):
    page = journey.page
    staff = make_prober(django_user_model, "helpdesk-li")
    sign_in(journey, live_server, staff)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    page.goto("/codes/meeting-sdk/-1018/")
    link = page.get_by_role("link", name="会议 SDK 登录失败：按错误码逐步排查")
    expect(page.locator("#flow-links-heading")).to_have_text(
        journey.text("逐步排查", "Guided diagnosis")
    )
    journey.shot("code-page")
    link.click()
    expect(page.locator("h1")).to_have_text("会议 SDK 登录失败：按错误码逐步排查")
    page.get_by_role("button", name=re.compile(journey.text("开始", "Start"))).click()

    # Step 1: which code did onLogin() return? Keyboard: pick the answer and press Enter.
    expect(page.locator("#step-title")).to_contain_text("onLogin()")
    expect(page.locator(".walk__progress")).to_contain_text(
        journey.text("这是第一步。", "This is the first step.")
    )
    journey.shot("first-question")
    answer = page.get_by_label(re.compile("^-1018 kTMSDKErrorLoginNetError"))
    answer.check()
    answer.press("Enter")

    expect(page.locator("#step-title")).to_contain_text("第 1 步：在浏览器打开报错里的URL")
    expect(page.locator(".walk__path")).to_contain_text("-1018 kTMSDKErrorLoginNetError")
    page.get_by_label("都可达").check()
    page.get_by_role("button", name=re.compile(journey.text("下一步", "Next step"))).click()

    # Step 2 runs the firewall checklist from the server, the SSO prefix asked first.
    expect(page.locator("#step-title")).to_contain_text("第 2 步")
    page.get_by_label("企业 SSO 域名前缀（XXXX）").fill("acme")
    journey.shot("check-parameters")
    page.get_by_role("button", name=journey.text("开始检查", "Run checks")).click()
    rows = page.locator("#walk-run tbody tr")
    expect(rows).to_have_count(22)
    expect(page.locator("#walk-run-status")).to_have_text(
        journey.text("正在从服务器检查…", "Checking from the server…")
    )
    journey.shot("checking")

    # The checks choose the branch by themselves: the escalation naming the closed port.
    expect(page.locator("#step-title")).to_have_text(
        "不可达：请客户网络同事确认出公网的路径", timeout=20_000
    )
    failed = page.locator(".walk-failed")
    expect(failed).to_contain_text(firewall_on_loopback)
    expect(failed).to_contain_text(journey.text("被拒绝 / 已关闭", "refused / closed"))
    expect(failed.locator("li")).to_have_count(1)
    expect(page.locator(".walk-decision")).to_contain_text("有URL或端口不可达")
    expect(page.locator(".walk__path")).to_contain_text(
        journey.text("由检查结果选择", "chosen by the checks")
    )
    expect(
        page.get_by_role("heading", name=journey.text("需要收集", "What to collect"))
    ).to_be_visible()
    expect(page.locator("#step")).to_contain_text("客户网络同事")
    journey.shot("escalation")

    copy = page.get_by_role("button", name=journey.text("复制摘要", "Copy summary"))
    copy.scroll_into_view_if_needed()
    copy.click()
    expect(page.locator("#copy-status")).to_have_text(journey.text("已复制", "Copied"))
    copied = page.evaluate("navigator.clipboard.readText()")
    assert (
        f"- {firewall_on_loopback}: " + journey.text("被拒绝 / 已关闭", "refused / closed")
        in copied
    )
    assert "sso_prefix=acme" in copied
    assert "helpdesk-li" in copied
    assert journey.text("结果：已升级处理", "Outcome: escalated") in copied
    journey.shot("summary-copied")

    # The session record is at its unguessable URL for staff.
    record = re.search(r"https?://\S+/diagnose/sessions/[0-9a-f-]{36}/", copied).group(0)
    page.goto(record)
    expect(page.locator("h1")).to_have_text(journey.text("排查记录", "Diagnosis session"))
    expect(page.locator("main")).to_contain_text(firewall_on_loopback)
    journey.shot("session-record")


def test_a_reader_walks_the_platform_flow_and_answers_the_check_themselves(
    journey, shipped_content
):
    page = journey.page
    page.goto("/")
    page.get_by_role("link", name="客户端无法下载、连接或登录：逐步排查").click()
    page.get_by_role("button", name=re.compile(journey.text("开始", "Start"))).click()
    page.get_by_label("登录后首页一直提示“IM服务器连接中”").check()
    page.get_by_role("button", name=re.compile(journey.text("下一步", "Next step"))).click()

    # Readers cannot run server checks: the check step asks them instead.
    expect(page.locator("#step-title")).to_have_text("IM服务器的ip和端口映射出来了吗？")
    expect(page.locator("#step")).to_contain_text(
        "在外网用 telnet 连接 IM 服务器的外网地址和接入端口"
    )
    expect(page.locator(".walk-endpoints li")).to_have_count(1)
    expect(page.get_by_role("button", name=journey.text("开始检查", "Run checks"))).to_have_count(0)
    journey.shot("check-as-question")
    page.get_by_label("IM 端口连不上：没有映射出来").check()
    page.get_by_role("button", name=re.compile(journey.text("下一步", "Next step"))).click()

    expect(page.locator("#step-title")).to_have_text("映射IM服务器的接入端口")
    link = page.get_by_role("link", name=re.compile("登录后首页一直提示"))
    assert link.get_attribute("href").endswith("#cause-1")
    page.get_by_role("button", name=journey.text("解决了", "Yes, solved")).click()
    expect(page.locator("[role=status]").first).to_have_text(
        journey.text("已解决。本次排查已记录。", "Solved. The session is recorded.")
    )
    expect(page.locator(".walk__path")).to_contain_text("IM 端口连不上")
    journey.shot("solved")
