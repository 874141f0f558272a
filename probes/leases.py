"""The guard on a run's row that makes a queued run execute once.

Celery acknowledges a message only when its task ends (acks_late), so a worker
killed mid-run gets its run delivered again, and a broker may deliver a message
twice. Before executing, a worker claims the run in one transaction: it takes
the lease when nobody holds it (counting an attempt), and renews it while the
checks run. A second delivery finds the lease held and waits for it to lapse;
by then the run is finished (nothing to do) or its worker is gone (take over
the rows still pending). After PROBES_RUN_MAX_ATTEMPTS the run is marked failed.
"""

import os
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from probes.models import ProbeRun


@dataclass(frozen=True)
class Claim:
    run: ProbeRun | None = None  # claimed: execute it
    wait_seconds: float = 0.0  # held by another worker: ask again after this long
    reason: str = ""  # nothing to do (finished, deleted) or given up

    @property
    def claimed(self) -> bool:
        return self.run is not None


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def lease_length() -> timedelta:
    return timedelta(seconds=max(settings.PROBES_RUN_LEASE, 2))


def claim_run(*, run_id: int, worker: str) -> Claim:
    from probes.services import probe_run_fail

    now = timezone.now()
    with transaction.atomic():
        # Row lock on PostgreSQL; SQLite's IMMEDIATE transactions serialize writers.
        run = ProbeRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            return Claim(reason="the run no longer exists")
        if run.is_finished:
            return Claim(reason=f"already {run.status}")
        if run.status == ProbeRun.Status.RUNNING and run.lease_until and run.lease_until > now:
            return Claim(wait_seconds=(run.lease_until - now).total_seconds())
        if run.attempts >= settings.PROBES_RUN_MAX_ATTEMPTS:
            probe_run_fail(
                run=run,
                reason=f"the worker running it was lost {run.attempts} times; not retried again",
            )
            return Claim(reason="given up")
        run.status = ProbeRun.Status.RUNNING
        run.attempts += 1
        run.worker = worker[:200]
        run.lease_until = now + lease_length()
        run.save(update_fields=["status", "attempts", "worker", "lease_until"])
    return Claim(run=run)


def renew(*, run_id: int, worker: str) -> bool:
    return bool(
        ProbeRun.objects.filter(
            pk=run_id, worker=worker[:200], status=ProbeRun.Status.RUNNING
        ).update(lease_until=timezone.now() + lease_length())
    )


def release(*, run_id: int, worker: str) -> None:
    """Give the lease back at once (a failed attempt to be retried)."""
    ProbeRun.objects.filter(pk=run_id, worker=worker[:200]).update(lease_until=None)


@contextmanager
def held(*, run_id: int, worker: str):
    """Renew the lease in the background while the block runs."""
    stop = threading.Event()
    interval = lease_length().total_seconds() / 3

    def keep():
        try:
            while not stop.wait(interval):
                close_old_connections()
                renew(run_id=run_id, worker=worker)
        finally:
            connection.close()

    thread = threading.Thread(target=keep, name=f"lease-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
