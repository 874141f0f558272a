"""The guard on a run's row: one executor at a time, a lost worker's run taken over, then failed."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from probes import leases
from probes.models import ProbeRun
from probes.outcomes import Outcome
from probes.services import probe_run_create
from probes.tasks import sweep_runs
from tests.probes.factories import make_prober

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def run(django_user_model, open_tcp_port):
    user = make_prober(django_user_model)
    return probe_run_create(
        user=user, source="web", targets=[f"tcp://127.0.0.1:{open_tcp_port}", "dns:a.test"]
    )


def test_a_new_run_is_queued_and_claimed_once(run, settings):
    assert run.status == ProbeRun.Status.QUEUED
    first = leases.claim_run(run_id=run.pk, worker="w1")
    assert first.claimed and first.run.attempts == 1 and first.run.worker == "w1"
    # A second delivery while the lease is held: wait about the lease, do not execute.
    second = leases.claim_run(run_id=run.pk, worker="w2")
    assert not second.claimed
    assert 0 < second.wait_seconds <= settings.PROBES_RUN_LEASE
    run.refresh_from_db()
    assert run.worker == "w1" and run.attempts == 1


def test_renewing_keeps_the_lease_only_for_its_holder(run):
    leases.claim_run(run_id=run.pk, worker="w1")
    assert leases.renew(run_id=run.pk, worker="w1")
    assert not leases.renew(run_id=run.pk, worker="w2")


def test_a_lapsed_lease_is_taken_over_then_the_run_fails_after_max_attempts(run, settings):
    settings.PROBES_RUN_MAX_ATTEMPTS = 2
    leases.claim_run(run_id=run.pk, worker="w1")
    ProbeRun.objects.filter(pk=run.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    takeover = leases.claim_run(run_id=run.pk, worker="w2")
    assert takeover.claimed and takeover.run.attempts == 2 and takeover.run.worker == "w2"
    ProbeRun.objects.filter(pk=run.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    last = leases.claim_run(run_id=run.pk, worker="w3")
    assert not last.claimed and last.reason == "given up"
    run.refresh_from_db()
    assert run.status == ProbeRun.Status.FAILED and "lost 2 times" in run.failure
    assert run.finished_at is not None
    assert {row.outcome for row in run.results.all()} == {Outcome.UNAVAILABLE}
    row = run.results.first()
    assert "lost 2 times" in row.details["reason"]


def test_a_finished_run_is_not_executed_again(run):
    from probes.tasks import execute_run

    execute_run.apply(args=[run.pk])
    run.refresh_from_db()
    assert run.status == ProbeRun.Status.DONE and run.attempts == 1
    finished = run.finished_at
    assert execute_run.apply(args=[run.pk]).get() == "already done"
    run.refresh_from_db()
    assert run.attempts == 1 and run.finished_at == finished


def test_the_sweep_queues_stranded_and_lapsed_runs_again(run, django_user_model):
    # Queued a while ago but never delivered (the broker was down when it started).
    ProbeRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(minutes=5))
    fresh = probe_run_create(user=None, source="web", targets=["dns:a.test"], rate_limited=False)
    assert sweep_runs() == {"requeued": 1}  # tasks run inline here: executed by the sweep
    run.refresh_from_db()
    fresh.refresh_from_db()
    assert run.status == ProbeRun.Status.DONE and run.results.filter(outcome="").count() == 0
    assert fresh.status == ProbeRun.Status.QUEUED  # its first delivery is still due


def test_the_sweep_takes_over_a_run_whose_worker_vanished(run):
    leases.claim_run(run_id=run.pk, worker="gone")
    ProbeRun.objects.filter(pk=run.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert sweep_runs() == {"requeued": 1}
    run.refresh_from_db()
    assert run.status == ProbeRun.Status.DONE and run.attempts == 2


def test_a_monitor_run_taken_over_still_counts_for_its_monitor(open_tcp_port):
    from probes.models import Monitor, Target
    from probes.tasks import execute_run

    target = Target.objects.create(kind="tcp", host="127.0.0.1", port=str(open_tcp_port))
    monitor = Monitor.objects.create(name="m", target=target, interval_seconds=60)
    run = probe_run_create(
        user=None, source="monitor", target=target, rate_limited=False, monitor=monitor
    )
    leases.claim_run(run_id=run.pk, worker="gone")  # its worker died before recording
    ProbeRun.objects.filter(pk=run.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    execute_run.apply(args=[run.pk])
    run.refresh_from_db()
    monitor.refresh_from_db()
    assert run.observed == "up" and monitor.pending_state == "up"
    assert monitor.last_checked_at is not None
