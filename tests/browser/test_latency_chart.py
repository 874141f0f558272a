"""The probes latency chart is drawn by Chart.js from the page's JSON (zh-hans, 390 and 1280).
Results are recorded rows (no dialling): the drawing is what is under test."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from probes.models import ProbeResult, ProbeRun, Target
from tests.browser.test_journey_gaps import gaps_journey  # noqa: F401 - the zh-hans browser
from tests.probes.factories import make_prober

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_latency_chart_draws_ok_and_failed_checks(gaps_journey, django_user_model):  # noqa: F811
    journey, page = gaps_journey, gaps_journey.page
    prober = make_prober(django_user_model)
    prober.set_password("prober-pass-1234")
    prober.save()
    target = Target.objects.create(kind="tcp", host="127.0.0.1", port="9")
    run = ProbeRun.objects.create(timeout=1.0)
    start = timezone.now() - timedelta(hours=1)
    for n, (outcome, total) in enumerate([("ok", 12.5), ("ok", 30.0), ("refused", 1.0)]):
        ProbeResult.objects.create(
            run=run,
            target=target,
            position=n + 1,
            kind="tcp",
            target_text="tcp://127.0.0.1:9",
            outcome=outcome,
            timings_ms={"total": total},
            finished_at=start + timedelta(minutes=n),
        )
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "prober")
    page.fill("#id_password", "prober-pass-1234")
    page.get_by_role("button", name="登录").click()
    page.goto(target.get_absolute_url())
    canvas = page.locator("#latency-chart")
    expect(canvas).to_be_visible()
    drawn = page.evaluate(
        """() => { const c = document.getElementById('latency-chart');
        const chart = Chart.getChart(c);
        return {width: c.width, points: chart ? chart.data.datasets.map(d => d.data) : null}; }"""
    )
    assert drawn["width"] > 0
    assert drawn["points"] == [[12.5, 30.0, None], [None, None, 0]]
    expect(page.locator("table.probe-history tbody tr")).to_have_count(3)
    journey.shot("latency-chart")
