"""What staff see of monitors: /probes/status/, a monitor's page, and the panel beside a fix."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from probes.models import Monitor, MonitorDay, MonitorStateChange, ProbeRun, Target
from tests.issues.factories import make_code, make_issue
from tests.probes.factories import make_checklist, make_prober

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def prober_client(client, django_user_model):
    client.force_login(make_prober(django_user_model))
    return client


@pytest.fixture
def issue():
    return make_issue(slug="meeting-unreachable", title="会议连不上")


@pytest.fixture
def monitor(issue):
    target = Target.objects.create(kind="tcp", host="conn.example.test", port="443")
    checklist = make_checklist(target, slug="meeting")
    checklist.issues.add(issue)
    since = timezone.now() - timedelta(hours=2)
    monitor = Monitor.objects.create(
        name="Meeting access", checklist=checklist, interval_seconds=60, state="down",
        state_since=since, last_checked_at=timezone.now() - timedelta(minutes=3),
    )  # fmt: skip
    MonitorStateChange.objects.create(
        monitor=monitor, state="up", previous="unknown", started_at=since - timedelta(days=1),
        ended_at=since,
    )  # fmt: skip
    MonitorStateChange.objects.create(
        monitor=monitor, state="down", previous="up", started_at=since
    )
    MonitorDay.objects.create(monitor=monitor, day=timezone.localdate(), checks=4, up=3, down=1)
    MonitorDay.objects.create(
        monitor=monitor, day=timezone.localdate() - timedelta(days=1), checks=2, up=2
    )
    return monitor


def test_the_status_page_lists_monitors_with_uptime_bars(prober_client, monitor):
    up = Monitor.objects.create(
        name="Push", target=Target.objects.create(kind="dns", host="push.example.test"),
        state="up", last_checked_at=timezone.now(),
    )  # fmt: skip
    response = prober_client.get("/probes/status/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    # Down first, then the rest; one bar per day for 30 days.
    assert html.index("Meeting access") < html.index("Push")
    assert html.count("<rect") == 60
    assert 'class="bar--partial"' in html or 'class="bar--down"' in html
    assert html.count('class="bar--up"') == 1
    assert "83.33%" in html  # 5 of 6 conclusive checks over the days shown
    assert up.get_absolute_url() in html and "style=" not in html
    summary = html[html.index('class="monitor-summary"') : html.index('class="monitor-list"')]
    counts = dict(re.findall(r'monitor-state--(\w+)">[^<]+</span> (\d+)', summary))
    assert counts == {"up": "1", "degraded": "0", "down": "1", "unknown": "0"}


def test_the_status_page_is_for_staff_who_may_run_probes(client, monitor, django_user_model):
    assert client.get("/probes/status/").status_code == HTTPStatus.FOUND  # to the login page
    reader = django_user_model.objects.create_user("reader")
    client.force_login(reader)
    assert client.get("/probes/status/").status_code == HTTPStatus.FORBIDDEN


def test_a_monitor_page_shows_its_history_with_durations(prober_client, monitor):
    html = prober_client.get(monitor.get_absolute_url()).content.decode()
    assert html.count("monitor-state--down") >= 2 and "monitor-state--up" in html
    assert "<td>1\xa0日</td>" in html or "<td>1\xa0day</td>" in html  # the up period: a day


def test_staff_see_the_monitors_a_fix_depends_on_beside_it(prober_client, monitor, issue):
    html = prober_client.get(issue.get_absolute_url()).content.decode()
    assert "Meeting access" in html and "monitor-state--down" in html
    assert monitor.get_absolute_url() in html


def test_the_panel_stays_out_of_the_anonymous_page(client, monitor, issue):
    for _ in range(2):  # rendered, then served from the shared cache
        html = client.get(issue.get_absolute_url()).content.decode()
        assert "Meeting access" not in html and "monitor-state" not in html


def test_the_code_page_shows_monitors_of_its_checklists(prober_client, monitor, issue):
    code = make_code(issue.product, code="-1019")
    monitor.checklist.error_codes.add(code)
    html = prober_client.get(code.get_absolute_url()).content.decode()
    assert "Meeting access" in html


def test_a_failed_run_says_why_and_a_queued_one_waits_for_a_worker(prober_client):
    failed = ProbeRun.objects.create(
        source="web", timeout=1, status="failed", failure="the worker running it was lost 3 times"
    )
    html = prober_client.get(failed.get_absolute_url()).content.decode()
    assert "lost 3 times" in html and "data-poll-url" not in html
    queued = ProbeRun.objects.create(source="web", timeout=1)
    html = prober_client.get(queued.get_absolute_url()).content.decode()
    assert 'id="run-waiting"' in html and "data-poll-url" in html
    status = prober_client.get(reverse("probes:run_status", args=[queued.pk])).json()
    assert status["status"] == "queued" and status["done"] is False
