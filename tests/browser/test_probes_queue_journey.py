"""Staff journey on the task queue: start a checklist run, watch its rows fill in as a real
worker finishes each check, then read the monitors on /probes/status/.

The site runs as production runs it (gunicorn, a Celery worker on Redis, its own database:
tests/probes/queue_stack.py); the checks dial loopback listeners only.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.probes.queue_stack import (
    STAFF_PASSWORD,
    STAFF_USER,
    Listener,
    SlowHttp,
    queue_stack,
)
from tests.prod.servers import manage, production_env

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def endpoints():
    fast, slow = Listener(), SlowHttp()
    yield fast, slow
    fast.stop()
    slow.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory, endpoints):
    fast, slow = endpoints
    static_root = tmp_path_factory.mktemp("journey-static")
    manage(
        "collectstatic",
        "--noinput",
        "--verbosity",
        "0",
        env=production_env(STATIC_ROOT=str(static_root)),
    )
    with queue_stack(tmp_path_factory.mktemp("journey-queue"), static_root) as stack:
        stack.shell(
            "from django.utils import timezone\n"
            "from probes.models import Checklist, ChecklistItem, Monitor, MonitorDay, Target\n"
            "c = Checklist.objects.create(slug='office-link', title='Office link')\n"
            f"t1 = Target.objects.create(kind='tcp', host='127.0.0.1', port='{fast.port}')\n"
            f"t2 = Target.objects.create(kind='http', host='127.0.0.1', port='{slow.port}',"
            " path='/sleep/3')\n"
            "ChecklistItem.objects.create(checklist=c, target=t1, position=1,"
            " description='signalling')\n"
            "ChecklistItem.objects.create(checklist=c, target=t2, position=2,"
            " description='web console')\n"
            "m = Monitor.objects.create(name='Office link monitor', checklist=c,"
            " interval_seconds=300, state='up', state_since=timezone.now(),"
            " last_checked_at=timezone.now(), enabled=False)\n"
            "MonitorDay.objects.create(monitor=m, day=timezone.localdate(), checks=10, up=9,"
            " down=1)\n"
        )
        stack.worker.start()
        stack.start_web()
        yield stack


def test_staff_start_a_checklist_run_and_watch_it_fill_in(journey, site):
    page = journey.page
    host = site.url("/").split("//", 1)[1].split(":", 1)[0]
    page.context.add_cookies(
        [{"name": "django_language", "value": journey.language, "domain": host, "path": "/"}]
    )
    page.goto(site.url("/admin/login/?next=/probes/checklists/office-link/"))
    page.locator("#id_username").fill(STAFF_USER)
    page.locator("#id_password").fill(STAFF_PASSWORD)
    page.locator("[type=submit]").click()
    page.wait_for_url(re.compile(r"/probes/checklists/office-link/$"))
    expect(page.locator("h1")).to_contain_text("Office link")
    journey.shot("checklist")

    page.get_by_role("button", name=journey.text("开始检查", "Run checks")).click()
    page.wait_for_url(re.compile(r"/probes/runs/\d+/$"))
    rows = page.locator("#probe-results tbody tr")
    expect(rows).to_have_count(2)
    reachable = journey.text("可达", "reachable")
    # The fast check lands first while the slow one is still being checked: rows fill in.
    expect(rows.nth(0)).to_contain_text(reachable, timeout=15_000)
    expect(rows.nth(1)).to_contain_text(journey.text("检查中", "checking"))
    journey.shot("filling-in")
    expect(rows.nth(1)).to_contain_text(reachable, timeout=20_000)
    expect(page.locator("#run-status")).to_contain_text(journey.text("完成", "done"))
    expect(page.locator("#run-waiting")).to_be_hidden()
    journey.shot("done")

    page.goto(site.url("/probes/status/"))
    expect(page.locator("h1")).to_contain_text(journey.text("监控状态", "Monitor status"))
    card = page.locator(".monitor-card", has_text="Office link monitor")
    expect(card).to_be_visible()
    expect(card.locator(".monitor-state")).to_contain_text(journey.text("正常", "up"))
    expect(card.locator("svg.uptime-bars rect")).to_have_count(30)
    expect(card).to_contain_text("90.00%")
    journey.shot("status")
