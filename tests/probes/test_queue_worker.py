"""Drills of the task queue with a real Redis broker and real worker processes.

A web-started run completes on the worker while its page fills in; a run
delivered twice executes once; a worker killed with SIGKILL mid-run leaves the
run retried (or failed, once out of attempts); a schedule fires and the monitor
changes state only after N results against a loopback listener that is stopped
and restarted, and the alerts reach a loopback webhook receiver, signed.
"""

import json
import os
import re
import signal
import time

import pytest

from probes.alerts import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from tests.probes.queue_stack import (
    Browser,
    Listener,
    SlowHttp,
    WebhookReceiver,
    queue_stack,
    wait_for,
)
from tests.prod.servers import manage, production_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("queue-static")
    manage(
        "collectstatic", "--noinput", "--verbosity", "0", env=production_env(STATIC_ROOT=str(root))
    )
    return root


@pytest.fixture(scope="module")
def stack(tmp_path_factory, static_root):
    with queue_stack(tmp_path_factory.mktemp("queue"), static_root) as stack:
        stack.worker.start()
        stack.start_web()
        yield stack


@pytest.fixture(scope="module")
def slow_http():
    server = SlowHttp()
    yield server
    server.close()


def _start_adhoc(browser: Browser, targets: list[str]) -> int:
    response = browser.post("/probes/run/", {"targets": "\n".join(targets)})
    assert response.status == 302, response.read()[:3000]
    return int(re.search(r"/probes/runs/(\d+)/", response.headers["Location"]).group(1))


def _status(browser: Browser, run_id: int) -> dict:
    return browser.json(f"/probes/runs/{run_id}/status/")


def test_a_web_started_run_completes_on_the_worker_and_its_page_fills_in(stack, slow_http):
    browser = Browser(stack).login()
    health = json.loads(browser.get("/healthz").read())
    assert health["workers"] >= 1

    fast = Listener()
    run_id = _start_adhoc(
        browser, [f"tcp://127.0.0.1:{fast.port}", f"http://127.0.0.1:{slow_http.port}/sleep/2"]
    )
    page = browser.get(f"/probes/runs/{run_id}/").read().decode()
    assert "data-poll-url" in page and 'data-pending="true"' in page

    seen = []

    def finished():
        status = _status(browser, run_id)
        seen.append([row["outcome"] for row in status["results"]])
        return status if status["done"] else None

    status = wait_for(finished, timeout=30, message="the run did not finish")
    # Rows filled in one by one: the fast check was on the page before the slow one.
    assert ["ok", None] in seen
    assert [row["outcome"] for row in status["results"]] == ["ok", "ok"]
    assert "outcome--ok" in status["results"][1]["html"]
    row = stack.run_row(run_id)
    assert row["status"] == "done" and row["attempts"] == 1
    # Executed by a worker process, not by the web server that took the request.
    assert row["worker"] and int(row["worker"].split(":")[1]) not in stack.web.worker_pids()
    page = browser.get(f"/probes/runs/{run_id}/").read().decode()
    assert "data-poll-url" not in page and page.count("outcome--ok") == 2

    # The API goes through the same queue and answers once the worker has finished.
    response = browser.post_json(
        "/api/probes/run/", {"targets": [f"http://127.0.0.1:{slow_http.port}/sleep/1"]}
    )
    body = json.loads(response.read())
    assert response.status == 200 and body["status"] == "done"
    assert body["results"][0]["outcome"] == "ok"
    api_row = stack.run_row(body["run"])
    assert int(api_row["worker"].split(":")[1]) not in stack.web.worker_pids()
    fast.stop()


def test_a_run_delivered_twice_executes_once(stack, slow_http):
    browser = Browser(stack).login()
    path = f"/sleep/6?twice={time.monotonic_ns()}"
    run_id = _start_adhoc(browser, [f"http://127.0.0.1:{slow_http.port}{path}"])
    wait_for(lambda: slow_http.hits.get(path), timeout=20, message="the check never started")
    # The broker delivers the same run twice more while the first delivery is executing.
    stack.send_task("probes.execute_run", run_id)
    stack.send_task("probes.execute_run", run_id)
    wait_for(lambda: _status(browser, run_id)["done"], timeout=30, message="run not done")
    time.sleep(stack_lease_seconds(stack) + 2)  # the extra deliveries ask again after the lease
    assert slow_http.hits[path] == 1
    row = stack.run_row(run_id)
    assert row["status"] == "done" and row["attempts"] == 1
    log = stack.worker.log()
    # The extra deliveries found the lease held, waited for it, then found the run done.
    assert re.search(r"Task probes.execute_run\[[^]]+\] retry: Retry in", log)
    assert f"probe run {run_id} not executed: already done" in log


def stack_lease_seconds(stack) -> float:
    return float(stack.env["PROBES_RUN_LEASE"])


def test_a_worker_killed_mid_run_leaves_the_run_retried(stack, slow_http):
    browser = Browser(stack).login()
    fast = Listener()
    path = f"/sleep/4?kill={time.monotonic_ns()}"
    run_id = _start_adhoc(
        browser, [f"tcp://127.0.0.1:{fast.port}", f"http://127.0.0.1:{slow_http.port}{path}"]
    )
    wait_for(lambda: slow_http.hits.get(path), timeout=20, message="slow check never started")
    first = stack.run_row(run_id)
    assert first["status"] == "running" and first["attempts"] == 1
    pid = int(first["worker"].split(":")[1])
    os.kill(pid, signal.SIGKILL)  # the pool process executing the run dies mid-run

    status = wait_for(
        lambda: (s := _status(browser, run_id))["done"] and s,
        timeout=60,
        message="the killed run was neither retried nor failed",
    )
    row = stack.run_row(run_id)
    assert row["status"] == "done" and row["attempts"] == 2, row
    assert int(row["worker"].split(":")[1]) != pid
    assert [r["outcome"] for r in status["results"]] == ["ok", "ok"]
    # The finished row was kept; only the pending one ran again.
    assert fast.accepted == 1 and slow_http.hits[path] == 2
    fast.stop()


def test_out_of_attempts_a_run_is_marked_failed_not_left_running(stack, slow_http):
    browser = Browser(stack).login()
    path = f"/sleep/6?twice-killed={time.monotonic_ns()}"
    run_id = _start_adhoc(browser, [f"http://127.0.0.1:{slow_http.port}{path}"])
    killed = set()
    max_attempts = 3
    for attempt in range(1, max_attempts + 1):
        wait_for(
            lambda a=attempt: slow_http.hits.get(path, 0) >= a,
            timeout=40,
            message=f"attempt {attempt} never started",
        )
        pid = int(stack.run_row(run_id)["worker"].split(":")[1])
        os.kill(pid, signal.SIGKILL)
        killed.add(pid)
    status = wait_for(
        lambda: (s := _status(browser, run_id))["done"] and s, timeout=60, message="not closed"
    )
    assert status["status"] == "failed"
    assert "lost 3 times" in status["failure"]
    assert status["results"][0]["outcome"] == "unavailable"
    page = browser.get(f"/probes/runs/{run_id}/").read().decode()
    assert "lost 3 times" in page


def test_a_schedule_fires_and_the_state_changes_only_after_n_results(stack):
    listener = Listener()
    receiver = WebhookReceiver(fail_first=1)
    secret = "drill-secret"
    out = stack.shell(
        "from django.contrib.auth.models import User\n"
        "from probes.models import AlertChannel, Monitor, Target\n"
        f"t = Target.objects.create(kind='tcp', host='127.0.0.1', port='{listener.port}')\n"
        "m = Monitor.objects.create(name='drill', target=t, interval_seconds=1,"
        " owner=User.objects.get(username='drill-staff'))\n"
        f"AlertChannel.objects.create(name='hook', kind='webhook', url={receiver.url!r},"
        f" secret={secret!r})\n"
        "print(m.pk)\n"
    )
    monitor_id = int(out.strip().splitlines()[-1])

    def state():
        return stack.query("SELECT state FROM probes_monitor WHERE id = %s", (monitor_id,))[0][0]

    stack.beat.start()
    try:
        wait_for(lambda: state() == "up", timeout=40, message="monitor never came up")
        listener.stop()
        wait_for(lambda: state() == "down", timeout=40, message="monitor never went down")
        listener.start()
        wait_for(lambda: state() == "up", timeout=40, message="monitor never came back up")
    finally:
        stack.beat.stop()

    runs = stack.query(
        "SELECT id, observed FROM probes_proberun WHERE monitor_id = %s AND observed != ''"
        " ORDER BY started_at, id",
        (monitor_id,),
    )
    observed = [o for _, o in runs]
    changes = stack.query(
        "SELECT state, previous, run_id, started_at, ended_at FROM probes_monitorstatechange"
        " WHERE monitor_id = %s ORDER BY started_at, id",
        (monitor_id,),
    )
    assert [c[:2] for c in changes] == [("up", "unknown"), ("down", "up"), ("up", "down")]
    run_ids = [run_id for run_id, _ in runs]
    for state_name, _, run_id, _, _ in changes:
        # Each change came with the 2nd equal result in a row (PROBES_MONITOR_THRESHOLD=2),
        # not with the first one.
        at = run_ids.index(run_id)
        assert observed[at] == observed[at - 1] == state_name
        assert at < 2 or observed[at - 2] != state_name
    assert all(c[4] is not None for c in changes[:-1]) and changes[-1][4] is None
    uptime = stack.query(
        "SELECT checks, up, down FROM probes_monitorday WHERE monitor_id = %s", (monitor_id,)
    )
    assert sum(r[0] for r in uptime) == len(runs) and sum(r[2] for r in uptime) >= 2

    # The alerts: up → down and down → up (the first state of a new monitor is not news),
    # signed; the first POST got a 500 and was retried.
    wait_for(lambda: len(receiver.received) >= 3, timeout=30, message="alerts not received")
    delivered = [(h, b) for h, b, status in receiver.received if status == 200]
    events = {(e["previous_state"], e["state"]): e for e in (json.loads(b) for _, b in delivered)}
    assert sorted(events) == [("down", "up"), ("up", "down")] and len(delivered) == 2
    for headers, body in delivered:
        timestamp, signature = headers[TIMESTAMP_HEADER.lower()], headers[SIGNATURE_HEADER.lower()]
        assert verify(secret, timestamp, body, signature)
        assert not verify("another secret", timestamp, body, signature)
    refused = receiver.received[0]
    assert refused[2] == 500 and refused[1] in [b for _, b in delivered]  # retried, same alert
    assert events[("up", "down")]["failures"][0]["outcome"] == "refused"
    assert events[("up", "down")]["monitor"]["name"] == "drill"
    deliveries = stack.query("SELECT status, attempts FROM probes_alertdelivery ORDER BY id")
    assert deliveries == [("sent", 2), ("sent", 1)]
    receiver.close()
    listener.stop()
