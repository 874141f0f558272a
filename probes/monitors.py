"""Monitors: run a checklist or a target on a schedule, keep a state, alert on change.

A run's rows are summed up as one observed state (up: every conclusive check
reachable; down: none; degraded: some). The monitor's state follows only after
the same observation came PROBES_MONITOR_THRESHOLD times in a row (flap
protection). Each change closes the previous period (history with durations),
and results are counted per local day (uptime bars). See docs/probes.md.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from probes.models import (
    Monitor,
    MonitorDay,
    MonitorState,
    MonitorStateChange,
    ProbeResult,
    ProbeRun,
)
from probes.outcomes import Outcome
from probes.targets import spec_from_target

logger = logging.getLogger("probes.monitors")

# Outcomes that say nothing about the endpoint: the check could not be made here.
INCONCLUSIVE = frozenset(
    {Outcome.UNAVAILABLE, Outcome.BLOCKED, Outcome.INVALID, Outcome.OPEN_FILTERED, ""}
)


class HostBusy(Exception):
    """Another monitor dialled one of the hosts too recently (PROBES_HOST_MIN_INTERVAL)."""

    def __init__(self, host: str, wait_seconds: float):
        super().__init__(
            f"{host} was checked by another monitor; next check in {wait_seconds:.0f} s"
        )
        self.host = host
        self.wait_seconds = max(wait_seconds, 1.0)


def observed_state(outcomes: list[str]) -> str:
    conclusive = [outcome for outcome in outcomes if outcome not in INCONCLUSIVE]
    if not conclusive:
        return MonitorState.UNKNOWN
    ok = sum(1 for outcome in conclusive if outcome == Outcome.OK)
    if ok == len(conclusive):
        return MonitorState.UP
    return MonitorState.DOWN if ok == 0 else MonitorState.DEGRADED


def monitor_hosts(monitor: Monitor) -> set[str]:
    if monitor.target_id:
        targets = [monitor.target]
    else:
        targets = [item.target for item in monitor.checklist.ordered_items()]
    hosts = set()
    for target in targets:
        spec = spec_from_target(target, params=monitor.parameters or {})
        if spec.is_valid:
            hosts.add(str(spec.host.url_form).lower())
    return hosts


def _claim_hosts(monitor: Monitor) -> None:
    """Politeness: one monitor run per host per PROBES_HOST_MIN_INTERVAL, across workers."""
    interval = settings.PROBES_HOST_MIN_INTERVAL
    if interval <= 0:
        return
    now = time.time()
    for host in sorted(monitor_hosts(monitor)):
        key = f"probes:monitor-host:{host}"
        if cache.add(key, (monitor.pk, now), timeout=interval):
            continue
        holder = cache.get(key)
        if holder and holder[0] != monitor.pk:
            raise HostBusy(host, holder[1] + interval - now)
        cache.set(key, (monitor.pk, now), timeout=interval)


def _claim_tick(monitor: Monitor) -> bool:
    """A beat tick delivered twice starts one run: the second finds the tick taken."""
    now = timezone.now()
    recent = now - timedelta(seconds=monitor.interval_seconds / 2)
    return bool(
        Monitor.objects.filter(pk=monitor.pk)
        .filter(Q(last_started_at__isnull=True) | Q(last_started_at__lt=recent))
        .update(last_started_at=now)
    )


def monitor_check(*, monitor_id: int, worker: str) -> str:
    """One scheduled check: run the monitor's targets, then record what was observed."""
    from probes import leases
    from probes.services import probe_run_create
    from probes.tasks import execute_claimed

    monitor = (
        Monitor.objects.select_related("checklist", "target", "owner").filter(pk=monitor_id).first()
    )
    if monitor is None or not monitor.enabled:
        return "disabled"
    _claim_hosts(monitor)
    if not _claim_tick(monitor):
        return "already started for this tick"
    run = probe_run_create(
        user=monitor.owner,
        source="monitor",
        checklist=monitor.checklist,
        params=monitor.parameters or None if monitor.checklist_id else None,
        target=monitor.target,
        timeout=monitor.timeout,
        rate_limited=False,
        monitor=monitor,
    )
    claim = leases.claim_run(run_id=run.pk, worker=worker)
    if claim.claimed:
        run = execute_claimed(run=claim.run, worker=worker)
    return monitor_record(monitor=monitor, run=run)


@dataclass(frozen=True)
class Transition:
    monitor: Monitor
    change: MonitorStateChange
    previous: MonitorStateChange | None


def _count_day(monitor: Monitor, observed: str, when) -> None:
    day = timezone.localdate(when)
    MonitorDay.objects.get_or_create(monitor=monitor, day=day)
    counts = {"checks": F("checks") + 1}
    if observed in (MonitorState.UP, MonitorState.DEGRADED, MonitorState.DOWN):
        counts[observed] = F(observed) + 1
    MonitorDay.objects.filter(monitor=monitor, day=day).update(**counts)


def monitor_record(*, monitor: Monitor, run: ProbeRun) -> str:
    """Fold one finished run into the monitor: day counts, flap counter, maybe a new state."""
    outcomes = list(ProbeResult.objects.filter(run=run).values_list("outcome", flat=True))
    observed = (
        MonitorState.UNKNOWN if run.status == ProbeRun.Status.FAILED else observed_state(outcomes)
    )
    now = run.finished_at or timezone.now()
    threshold = max(settings.PROBES_MONITOR_THRESHOLD, 1)
    transition = None
    with transaction.atomic():
        ProbeRun.objects.filter(pk=run.pk).update(observed=observed)
        monitor = Monitor.objects.select_for_update().get(pk=monitor.pk)
        _count_day(monitor, observed, now)
        monitor.last_checked_at = now
        if observed == monitor.state:
            monitor.pending_state, monitor.pending_count = "", 0
        elif observed == monitor.pending_state:
            monitor.pending_count += 1
        else:
            monitor.pending_state, monitor.pending_count = observed, 1
        if monitor.pending_state and monitor.pending_count >= threshold:
            transition = _change_state(monitor, observed, when=now, run=run)
        monitor.save(
            update_fields=[
                "last_checked_at",
                "pending_state",
                "pending_count",
                "state",
                "state_since",
            ]
        )
        if transition:
            from probes.alerts import alert_state_change

            alert_state_change(transition=transition)
    return observed


def _change_state(monitor: Monitor, state: str, *, when, run: ProbeRun) -> Transition:
    previous = monitor.changes.filter(ended_at__isnull=True).order_by("-started_at").first()
    if previous:
        previous.ended_at = when
        previous.save(update_fields=["ended_at"])
    change = MonitorStateChange.objects.create(
        monitor=monitor, state=state, previous=monitor.state, started_at=when, run=run
    )
    logger.warning("monitor %s (%s): %s → %s", monitor.pk, monitor.name, monitor.state, state)
    monitor.state, monitor.state_since = state, when
    monitor.pending_state, monitor.pending_count = "", 0
    return Transition(monitor=monitor, change=change, previous=previous)
