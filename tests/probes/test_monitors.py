"""Monitors: observed state, flap protection, history with durations, uptime per day, schedules."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from probes.models import (
    Monitor,
    MonitorDay,
    MonitorState,
    ProbeResult,
    ProbeRun,
    Target,
)
from probes.monitors import HostBusy, monitor_check, monitor_record, observed_state
from probes.outcomes import Outcome
from tests.probes.factories import make_checklist

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def target(open_tcp_port):
    return Target.objects.create(kind="tcp", host="127.0.0.1", port=str(open_tcp_port))


@pytest.fixture
def monitor(target, settings):
    settings.PROBES_MONITOR_THRESHOLD = 3
    return Monitor.objects.create(name="Meeting access", target=target, interval_seconds=60)


def _run(monitor, *outcomes, at=None):
    run = ProbeRun.objects.create(
        source="monitor", monitor=monitor, timeout=1, status=ProbeRun.Status.DONE
    )
    run.finished_at = at or timezone.now()
    run.save()
    for position, outcome in enumerate(outcomes, start=1):
        ProbeResult.objects.create(
            run=run, position=position, target_text="tcp://x:1", kind="tcp", outcome=outcome
        )
    return run


@pytest.mark.parametrize(
    ("outcomes", "state"),
    [
        (["ok", "ok"], "up"),
        (["ok", "timeout"], "degraded"),
        (["refused", "dns_error"], "down"),
        (["ok", "unavailable"], "up"),  # a check this server cannot make says nothing
        (["blocked", "invalid"], "unknown"),
        ([], "unknown"),
    ],
)
def test_a_runs_rows_sum_up_to_one_observed_state(outcomes, state):
    assert observed_state(outcomes) == state


def test_the_state_changes_only_after_n_equal_results(monitor):
    assert monitor.state == MonitorState.UNKNOWN
    for expected in ("unknown", "unknown", "up"):
        monitor_record(monitor=monitor, run=_run(monitor, Outcome.OK))
        monitor.refresh_from_db()
        assert monitor.state == expected
    # Two failures, then a success: a flap, not an outage.
    monitor_record(monitor=monitor, run=_run(monitor, Outcome.REFUSED))
    monitor_record(monitor=monitor, run=_run(monitor, Outcome.REFUSED))
    monitor_record(monitor=monitor, run=_run(monitor, Outcome.OK))
    monitor.refresh_from_db()
    assert monitor.state == "up" and monitor.pending_count == 0
    runs = [_run(monitor, Outcome.REFUSED) for _ in range(3)]
    for run in runs[:2]:
        monitor_record(monitor=monitor, run=run)
    monitor.refresh_from_db()
    assert monitor.state == "up" and (monitor.pending_state, monitor.pending_count) == ("down", 2)
    monitor_record(monitor=monitor, run=runs[2])
    monitor.refresh_from_db()
    assert monitor.state == "down" and monitor.state_since == runs[2].finished_at

    changes = list(monitor.changes.order_by("started_at"))
    assert [(c.previous, c.state) for c in changes] == [("unknown", "up"), ("up", "down")]
    assert changes[1].run == runs[2]
    # The up period is closed when the down one starts, so it has a duration.
    assert changes[0].ended_at == changes[1].started_at and changes[1].ended_at is None
    assert changes[0].duration > timedelta(0)
    runs[2].refresh_from_db()
    assert runs[2].observed == "down"


def test_results_are_counted_per_local_day_for_the_uptime_bars(monitor):
    yesterday = timezone.now() - timedelta(days=1)
    monitor_record(monitor=monitor, run=_run(monitor, Outcome.OK, at=yesterday))
    for outcome in (Outcome.OK, Outcome.OK, Outcome.OK, Outcome.REFUSED):
        monitor_record(monitor=monitor, run=_run(monitor, outcome))
    monitor_record(monitor=monitor, run=_run(monitor, Outcome.BLOCKED))
    today = MonitorDay.objects.get(monitor=monitor, day=timezone.localdate())
    assert (today.checks, today.up, today.down) == (5, 3, 1)
    assert today.uptime == pytest.approx(0.75)  # the unknown result does not count
    assert MonitorDay.objects.get(monitor=monitor, day=timezone.localdate(yesterday)).up == 1


def test_a_scheduled_check_runs_the_target_through_the_worker_path(monitor):
    assert monitor_check(monitor_id=monitor.pk, worker="w") == "up"
    run = monitor.runs.get()
    assert run.source == "monitor" and run.status == "done" and run.observed == "up"
    assert run.results.get().outcome == Outcome.OK
    assert run.results.get().target == monitor.target
    # The same beat tick delivered twice starts one run.
    assert monitor_check(monitor_id=monitor.pk, worker="w") == "already started for this tick"
    assert monitor.runs.count() == 1


def test_a_scheduled_check_dials_through_the_ssrf_guard(monitor, settings):
    settings.PROBES_ALLOWED_NETWORKS = []  # loopback is denied again: nothing is dialled
    assert monitor_check(monitor_id=monitor.pk, worker="w") == "unknown"
    assert monitor.runs.get().results.get().outcome == Outcome.BLOCKED


def test_a_checklist_monitor_fills_its_parameters(open_tcp_port, settings):
    target = Target.objects.create(kind="tcp", host="{host}", port=str(open_tcp_port))
    checklist = make_checklist(target, parameters=["host"])
    monitor = Monitor.objects.create(
        name="c", checklist=checklist, parameters={"host": "127.0.0.1"}, interval_seconds=60
    )
    assert monitor_check(monitor_id=monitor.pk, worker="w") == "up"
    row = monitor.runs.get().results.get()
    assert row.target_text == f"tcp://127.0.0.1:{open_tcp_port}"


def test_two_monitors_of_one_host_keep_the_minimum_interval(target, settings):
    settings.PROBES_HOST_MIN_INTERVAL = 30
    first = Monitor.objects.create(name="a", target=target, interval_seconds=60)
    second = Monitor.objects.create(name="b", target=target, interval_seconds=60)
    monitor_check(monitor_id=first.pk, worker="w")
    with pytest.raises(HostBusy) as busy:
        monitor_check(monitor_id=second.pk, worker="w")
    assert 25 < busy.value.wait_seconds <= 30
    assert not second.runs.exists()


def test_disabled_monitors_do_not_run(monitor):
    Monitor.objects.filter(pk=monitor.pk).update(enabled=False)
    assert monitor_check(monitor_id=monitor.pk, worker="w") == "disabled"


def test_each_monitor_has_a_beat_schedule_kept_in_step(monitor):
    task = PeriodicTask.objects.get(pk=monitor.periodic_task_id)
    assert task.task == "probes.run_monitor" and task.args == f"[{monitor.pk}]"
    assert (task.interval.every, task.interval.period) == (60, "seconds") and task.enabled
    monitor.interval_seconds = 120
    monitor.enabled = False
    monitor.save()
    task.refresh_from_db()
    assert task.interval.every == 120 and not task.enabled
    monitor.delete()
    assert not PeriodicTask.objects.filter(pk=task.pk).exists()


@translation.override("en")
def test_a_monitor_watches_one_checklist_or_one_target(target, settings):
    settings.PROBES_MONITOR_MIN_INTERVAL = 60
    checklist = make_checklist(Target(kind="dns", host="a.test"))
    with pytest.raises(ValidationError, match="one of them"):
        Monitor(name="x", interval_seconds=60).full_clean()
    with pytest.raises(ValidationError, match="one of them"):
        Monitor(name="x", checklist=checklist, target=target, interval_seconds=60).full_clean()
    with pytest.raises(ValidationError, match="At least 60"):
        Monitor(name="x", target=target, interval_seconds=5).full_clean()
    with pytest.raises(ValidationError, match="Unknown"):
        Monitor(
            name="x", checklist=checklist, parameters={"nope": "1"}, interval_seconds=60
        ).full_clean()
    Monitor(name="x", target=target, interval_seconds=60).full_clean()


def test_monitors_are_scheduled_from_the_admin(admin_client, admin_user, target, settings):
    settings.PROBES_MONITOR_MIN_INTERVAL = 60
    page = admin_client.get("/admin/probes/monitor/add/").content.decode()
    assert f'<option value="{admin_user.pk}" selected>' in page  # owner: who adds it
    response = admin_client.post(
        "/admin/probes/monitor/add/",
        {
            "name": "Meeting access",
            "target": target.pk,
            "parameters": "{}",
            "interval_seconds": "120",
            "owner": admin_user.pk,
            "enabled": "on",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    monitor = Monitor.objects.get()
    assert monitor.owner == admin_user
    assert PeriodicTask.objects.get(pk=monitor.periodic_task_id).interval.every == 120


def test_the_admin_checks_selected_monitors_now(admin_client, monitor):
    response = admin_client.post(
        "/admin/probes/monitor/",
        {"action": "check_now", "_selected_action": [monitor.pk]},
        follow=True,
    )
    assert response.status_code == 200
    run = monitor.runs.get()  # tasks run inline in the tests
    assert run.status == "done" and run.observed == "up"
