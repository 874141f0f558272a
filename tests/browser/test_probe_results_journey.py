"""Journey 3: staff run the SDK firewall checklist from step 2 of the SDK procedure and read
the results at 390 and 1280 wide, in both languages.

The checklist's names resolve through a hosts file of the test's own to 127.0.0.1 and its
ports are moved to loopback listeners (half open, half closed), with loopback allowed by
settings for this test only: nothing leaves the machine.
"""

import re
import socket
import threading
from contextlib import suppress

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from issues.models import Issue
from probes.models import Checklist

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROCEDURE = "sdk-login-network-troubleshooting"
PREFIX = "mycompany"
STAFF = ("probe-staff", "probe-staff-pass-1234")


@pytest.fixture
def open_port():
    """A loopback TCP listener that accepts and closes."""
    listener = socket.create_server(("127.0.0.1", 0))
    stopped = threading.Event()

    def serve():
        while not stopped.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
    stopped.set()
    with suppress(OSError):
        listener.close()


def closed_port(kind: str) -> int:
    socktype = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, socktype) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def firewall(shipped_content, open_port, settings, tmp_path):
    """The shipped sdk-firewall checklist, pointed at loopback; the rows expected to fail."""
    checklist = Checklist.objects.get(slug="sdk-firewall")
    names, failing = set(), set()
    for position, item in enumerate(checklist.ordered_items(), start=1):
        target = item.target
        if target.kind == "tcp" and position % 2:
            target.port = str(open_port)
        else:
            target.port = str(closed_port(target.kind))
            failing.add(position)
        target.save()
        names.add(re.sub(r"\{[a-z0-9_]+\}", PREFIX, target.host))
    hosts = tmp_path / "hosts"
    hosts.write_text("".join(f"127.0.0.1 {name}\n" for name in sorted(names)))
    settings.PROBES_HOSTS_FILE = str(hosts)
    settings.PROBES_DNS_NAMESERVERS = ["127.0.0.1"]  # never asked: every name is in the file
    settings.PROBES_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]  # this test only
    settings.PROBES_ALLOWED_HOSTS = []
    settings.PROBES_TIMEOUT = 2.0
    settings.PROBES_RATE_LIMIT = "100/60"
    return checklist, failing


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user(STAFF[0], password=STAFF[1], is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="run_probes"))
    return user


def log_in(page, next_url: str) -> None:
    page.goto(f"/admin/login/?next={next_url}")
    page.locator("#id_username").fill(STAFF[0])
    page.locator("#id_password").fill(STAFF[1])
    page.locator("[type=submit]").click()


def test_staff_run_the_firewall_checklist_and_read_each_failure_and_its_fix(
    journey, firewall, staff
):
    checklist, failing = firewall
    page = journey.page
    procedure = Issue.objects.get(slug=PROCEDURE)
    log_in(page, procedure.get_absolute_url())
    page.wait_for_url(re.compile(re.escape(procedure.get_absolute_url()) + "$"))

    journey.shot("procedure")
    # Step 2 (the telnet step) offers the checklist right where it is needed.
    step_link = page.locator(".step-tools a", has_text=checklist.title).first
    step_link.scroll_into_view_if_needed()
    expect(step_link).to_be_visible()
    journey.shot("procedure-step-2")
    step_link.click()
    page.wait_for_url(re.compile(r"/probes/checklists/sdk-firewall/$"))
    for name in checklist.placeholders():  # the SSO prefix of the guide's XXXX.sso… host
        page.locator(f"input[name={name}]").fill(PREFIX)
    journey.shot("checklist")
    page.get_by_role("button", name=journey.text("开始检查", "Run checks")).click()
    page.wait_for_url(re.compile(r"/probes/runs/\d+/$"))

    rows = page.locator("#probe-results tbody tr")
    expect(rows).to_have_count(checklist.items.count())
    expect(page.locator("#run-status")).to_contain_text(
        journey.text("完成", "done"), timeout=20_000
    )
    journey.shot("results")

    fix_text = journey.text(f"解决方法：{procedure.title}", f"Fix: {procedure.title}")
    for index in range(rows.count()):
        row = rows.nth(index)
        position = int(row.locator(".probe-result__position").inner_text().strip())
        # Outcome, target and one line of total time, without opening anything.
        expect(row.locator(".outcome")).to_be_visible()
        expect(row.locator(".probe-result__target code")).to_be_visible()
        expect(row.locator(".probe-total")).to_have_text(
            re.compile(r"^\d+(\.\d+)? " + journey.text("毫秒", "ms") + "$")
        )
        fix_links = row.locator(f"a[href='{procedure.get_absolute_url()}']")
        if position in failing:
            expect(fix_links).to_have_count(1)  # the fix, once, as a link
            expect(fix_links).to_have_text(fix_text)
            expect(row.locator(".probe-reason")).to_contain_text(journey.text("原因", "Reason"))
        else:
            expect(fix_links).to_have_count(0)
            expect(row.locator(".outcome")).to_have_text(journey.text("可达", "reachable"))
        # Addresses and phases stay folded until asked for.
        expect(row.locator(".probe-details")).to_be_hidden()
    if journey.language == "zh-hans":
        expect(page.locator("#probe-results")).not_to_contain_text("Connection refused")
        expect(page.locator("#probe-results")).not_to_contain_text("Reason:")

    first = rows.nth(0)
    first.locator("details summary").click()
    details = first.locator(".probe-details")
    expect(details).to_be_visible()
    expect(details).to_contain_text("127.0.0.1")
    expect(details).to_contain_text(journey.text("解析来源", "Resolved by"))
    expect(details).to_contain_text(journey.text("hosts 文件", "hosts file"))
    journey.shot("details-open")

    # No number or address is split across lines, and nothing is wider than the screen.
    split = page.evaluate(
        """() => {
          const lines = (el) => {
            const range = document.createRange();
            range.selectNodeContents(el);
            return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
          };
          return [...document.querySelectorAll(
              '#probe-results .probe-total, #probe-results .probe-nowrap,'
              + ' #probe-results .probe-result__position, #probe-results .probe-details dd')]
            .filter((el) => !el.children.length && lines(el) > 1)
            .map((el) => el.textContent);
        }"""
    )
    assert split == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
