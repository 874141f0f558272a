"""Journey: an editor opens a probe run in the admin and reads it in their language: the
outcome on one line, addresses and timings as words, the source's label, the greeting.

Runs at 390 and 1280 wide in zh-hans and en. Screenshots go to
test-artifacts/journeys/test_editor_reads_a_probe_run_in_the_admin/.
"""

import pytest
from playwright.sync_api import expect

from probes.models import ProbeResult, ProbeRun, RunSource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The outcome's one line: its height stays under two lines of its own font size.
ONE_LINE = "el => el.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(el).fontSize)"


def test_editor_reads_a_probe_run_in_the_admin(journey, django_user_model):
    django_user_model.objects.create_superuser("root", password="root-pass-1234")
    run = ProbeRun.objects.create(source=RunSource.WEB, timeout=2, status=ProbeRun.Status.DONE)
    ProbeResult.objects.create(
        run=run,
        target_text="tcp://127.0.0.1:8011",
        kind="tcp",
        outcome="blocked",
        addresses=["127.0.0.1", "::1"],
        timings_ms={"connect": 1.1, "total": 4.2},
    )
    page = journey.page
    page.goto(f"/admin/login/?next=/admin/probes/proberun/{run.pk}/change/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "root-pass-1234")
    page.get_by_role("button", name=journey.text("登录", "Log in")).click()

    expect(page.locator("#user-tools")).to_contain_text(
        journey.text("欢迎，root", "Welcome, root.")
    )
    results = page.locator("#results-group")
    expect(results).to_contain_text(
        journey.text(
            "tcp://127.0.0.1:8011: 被安全策略阻止", "tcp://127.0.0.1:8011: blocked by policy"
        )
    )
    expect(results).to_contain_text("127.0.0.1, ::1")
    expect(results).to_contain_text(
        journey.text("合计 4.2 ms · TCP 连接 1.1 ms", "total 4.2 ms · TCP connect 1.1 ms")
    )
    expect(results).to_contain_text(journey.text("顺序", "Position"), ignore_case=True)
    expect(page.locator("#content-main")).to_contain_text(journey.text("网页", "web page"))
    outcome = results.locator("td.field-outcome p").first
    expect(outcome).to_have_text(journey.text("被安全策略阻止", "blocked by policy"))
    assert outcome.evaluate(ONE_LINE)
    journey.shot("run")
