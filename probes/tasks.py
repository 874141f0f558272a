"""Background jobs of the probes app, run by Celery workers (kbsite/celery.py).

Database connections are opened and closed around each task by Celery's Django fix-up.

- execute_run: one queued probe run (web, API, monitor), executed once (leases.py).
- run_monitor: one scheduled check of a monitor (beat starts it; monitors.py).
- deliver_alert: one alert to one channel, retried with back-off (alerts.py).
- sweep_runs / prune_monitor_runs: housekeeping (beat, every minute / hour).
"""

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation

from probes import leases
from probes.models import ProbeRun

logger = logging.getLogger("probes.tasks")

# A duplicate delivery waits for the lease at most this many times (then the sweep decides).
MAX_LEASE_WAITS = 30


def execute_claimed(*, run: ProbeRun, worker: str) -> ProbeRun:
    """Execute a run this worker holds; a soft time limit marks it failed instead of hanging."""
    from probes.services import probe_run_execute, probe_run_fail

    with leases.held(run_id=run.pk, worker=worker):
        try:
            return probe_run_execute(run=run)
        except SoftTimeLimitExceeded:
            limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
            return probe_run_fail(run=run, reason=f"the run took longer than {limit} s")


@shared_task(
    name="probes.execute_run",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_LEASE_WAITS,
)
def execute_run(self, run_id: int, language: str | None = None) -> str:
    worker = leases.worker_name()
    claim = leases.claim_run(run_id=run_id, worker=worker)
    if not claim.claimed:
        if claim.wait_seconds:
            # Another delivery holds it (or held it and died): ask again when the lease lapses.
            raise self.retry(countdown=claim.wait_seconds + 0.5)
        logger.info("probe run %s not executed: %s", run_id, claim.reason)
        return claim.reason
    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            run = execute_claimed(run=claim.run, worker=worker)
    except Exception as exc:
        from probes.services import probe_run_fail

        logger.exception("probe run %s attempt %s failed", run_id, claim.run.attempts)
        leases.release(run_id=run_id, worker=worker)
        if self.request.retries < 3:
            raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
        probe_run_fail(run=ProbeRun.objects.get(pk=run_id), reason=f"the run failed: {exc!r}")
        return "failed"
    if run.monitor_id and not run.observed:
        # A monitor's run taken over after its worker was lost still counts for the monitor.
        from probes.monitors import monitor_record

        monitor_record(monitor=run.monitor, run=run)
    return run.status


@shared_task(name="probes.run_monitor", bind=True, acks_late=True, max_retries=5)
def run_monitor(self, monitor_id: int) -> str:
    from probes.monitors import HostBusy, monitor_check

    try:
        return monitor_check(monitor_id=monitor_id, worker=leases.worker_name())
    except HostBusy as busy:
        # Another monitor dialled the same host a moment ago: come back when allowed.
        raise self.retry(countdown=busy.wait_seconds) from busy


@shared_task(
    name="probes.deliver_alert",
    bind=True,
    acks_late=True,
    max_retries=None,  # alerts.deliver decides when to give up (PROBES_ALERT_ATTEMPTS)
)
def deliver_alert(self, delivery_id: int) -> str:
    from probes.alerts import deliver

    outcome = deliver(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="probes.sweep_runs")
def sweep_runs() -> dict[str, int]:
    """Queue again the runs nobody is executing (broker down at start, worker lost)."""
    now = timezone.now()
    lapsed = ProbeRun.objects.filter(status=ProbeRun.Status.RUNNING).filter(
        Q(lease_until__lt=now)
        # Runs from before the queue (a thread in the web worker) hold no lease.
        | Q(lease_until__isnull=True, started_at__lt=now - timedelta(minutes=10))
    )
    # Queued runs get a minute for their first delivery before they are sent again.
    stranded = ProbeRun.objects.filter(
        status=ProbeRun.Status.QUEUED, started_at__lt=now - timedelta(minutes=1)
    )
    ids = list(lapsed.values_list("pk", flat=True)) + list(stranded.values_list("pk", flat=True))
    for run_id in ids:
        execute_run.apply_async(args=[run_id])
    if ids:
        logger.warning("sweep: queued %d run(s) again: %s", len(ids), ids)
    return {"requeued": len(ids)}


@shared_task(name="probes.prune_monitor_runs")
def prune_monitor_runs() -> int:
    """Monitor runs older than the retention go; uptime per day stays in MonitorDay."""
    cutoff = timezone.now() - timedelta(days=settings.PROBES_MONITOR_RUN_RETENTION_DAYS)
    deleted, _ = ProbeRun.objects.filter(monitor__isnull=False, started_at__lt=cutoff).delete()
    return deleted
