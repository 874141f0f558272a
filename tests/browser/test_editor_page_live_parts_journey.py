"""Journey: an editor keeps an issue page open while an admin renames its checklist and
its monitor in the admin and the monitor's next check finds the service down; the
editor reloads and sees all three, though the page is kept whole in the cache
(issues/pagecache/live.py).

Runs at 390 and 1280 wide in zh-hans and en. Screenshots go to
test-artifacts/journeys/test_editor_sees_admin_changes_to_live_parts_on_reload/.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from issues.models import Fix
from probes.models import Monitor, ProbeResult, ProbeRun, Target
from probes.monitors import monitor_record
from probes.outcomes import Outcome
from tests.browser.conftest import open_journey
from tests.issues.factories import make_issue_page_example
from tests.probes.factories import make_checklist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOST = "conn.example.test"


@pytest.fixture(autouse=True)
def kept_pages(settings):
    # The live server runs in this process and shares its memory cache: "on" is right.
    settings.KB_PAGE_CACHE = "on"
    settings.PROBES_MONITOR_THRESHOLD = 1
    cache.clear()
    yield
    cache.clear()


def sign_in(journey, username: str, password: str, *, next_url: str) -> None:
    page = journey.page
    page.goto(f"/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name=journey.text("登录", "Log in")).click()


def test_editor_sees_admin_changes_to_live_parts_on_reload(
    journey, browser, live_server, django_user_model
):
    issue = make_issue_page_example()
    Fix.objects.create(
        issue=issue, cause=issue.causes.get(), position=2, body=f"用 telnet 确认 {HOST}:443 可达"
    )
    checklist = make_checklist(Target(kind="tcp", host=HOST, port="443"), slug="meeting")
    checklist.title = "会议接入"
    checklist.save()
    checklist.issues.add(issue)
    monitor = Monitor.objects.create(
        name="Meeting access",
        checklist=checklist,
        interval_seconds=300,
        state="up",
        state_since=timezone.now() - timedelta(hours=2),
        last_checked_at=timezone.now() - timedelta(minutes=3),
    )
    editor = django_user_model.objects.create_user(
        "editor", password="editor-pass-1234", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    django_user_model.objects.create_superuser("root", password="root-pass-1234")

    # The editor opens the fix page, then reloads it: the second comes from the cache.
    page = journey.page
    sign_in(journey, "editor", "editor-pass-1234", next_url=issue.get_absolute_url())
    panel = page.locator(".monitor-panel")
    expect(panel.locator(".monitor-state--up")).to_be_visible()
    expect(panel).to_contain_text("Meeting access")
    # "checked 3 minutes ago": a hole in the kept page, filled with this request's time.
    expect(panel).to_contain_text(re.compile(journey.text(r"3\s*分钟", r"3\sminutes")))
    step = page.locator("li.step", has_text=f"telnet 确认 {HOST}")
    expect(step.locator(".step-tools")).to_contain_text("会议接入")
    page.reload()
    expect(panel.locator(".monitor-state--up")).to_be_visible()
    panel.scroll_into_view_if_needed()
    journey.shot("editor-before")

    # An admin renames the checklist and the monitor in the admin.
    folder = journey.folder
    with open_journey(
        browser, live_server, folder, language=journey.language, width=journey.width
    ) as admin:
        admin.steps = journey.steps
        sign_in(admin, "root", "root-pass-1234", next_url=checklist.get_absolute_url())
        admin.page.goto(f"/admin/probes/checklist/{checklist.pk}/change/")
        admin.page.fill("#id_title", "会议接入（防火墙）")
        admin.page.locator("input[name=_save]").click()
        expect(admin.page.locator(".messagelist")).to_contain_text("会议接入（防火墙）")
        admin.page.goto(f"/admin/probes/monitor/{monitor.pk}/change/")
        admin.page.fill("#id_name", "Meeting access (firewall)")
        admin.page.locator("input[name=_save]").click()
        expect(admin.page.locator(".messagelist")).to_contain_text("Meeting access (firewall)")
        admin.shot("admin-saved")
        journey.steps = admin.steps

    # The monitor's next check finds the service refusing connections (as the worker does).
    run = ProbeRun.objects.create(
        source="monitor", monitor=monitor, timeout=1, status=ProbeRun.Status.DONE
    )
    ProbeResult.objects.create(
        run=run, position=1, target_text=f"tcp://{HOST}:443", kind="tcp", outcome=Outcome.REFUSED
    )
    monitor_record(monitor=Monitor.objects.get(pk=monitor.pk), run=run)

    # The editor reloads: the new names and the new state, nothing of the old.
    page.reload()
    expect(panel.locator(".monitor-state--down")).to_be_visible()
    expect(panel.locator(".monitor-state--up")).to_have_count(0)
    expect(panel).to_contain_text("Meeting access (firewall)")
    expect(panel).to_contain_text("会议接入（防火墙）")
    expect(step.locator(".step-tools")).to_contain_text("会议接入（防火墙）")
    panel.scroll_into_view_if_needed()
    journey.shot("editor-after")
