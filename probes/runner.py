"""Run many checks at once: bounded concurrency, one timeout each.

Each check carries its own deadline, started when a worker picks it up, so a
run takes about as long as its slowest check rather than the sum of them. The
runner adds a safety margin on top: a check that somehow overruns its deadline
is reported as a timeout and left behind, instead of holding the run. At most
`per_host` checks of one host are in flight at once (politeness toward a vendor
whose checklist lists many ports of the same name).
"""

import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from probes.checks import CheckResult, ProbeContext, run_check
from probes.outcomes import Outcome
from probes.targets import InvalidSpec, TargetSpec

OVERRUN_GRACE = 2.0  # seconds past one timeout before a straggler is given up


def _host_key(spec: TargetSpec) -> str:
    return str(spec.host.url_form).lower()


def run_all(
    specs: Sequence[TargetSpec | InvalidSpec],
    *,
    context: ProbeContext,
    max_concurrency: int,
    per_host: int | None = None,
) -> Iterator[tuple[int, CheckResult]]:
    """Yield (index in specs, result) as each check finishes."""
    pending = {}
    runnable = [(i, s) for i, s in enumerate(specs) if s.is_valid]
    invalid = [(i, s) for i, s in enumerate(specs) if not s.is_valid]
    if not runnable:
        for index, spec in invalid:
            yield index, run_check(spec, context)
        return
    workers = max(1, min(max_concurrency, len(runnable)))
    per_host = max(1, per_host or workers)
    gates = {
        host: threading.BoundedSemaphore(per_host) for host in {_host_key(s) for _, s in runnable}
    }

    def gated(spec):
        # The check's own deadline starts inside run_check, once the host has a free slot.
        with gates[_host_key(spec)]:
            return run_check(spec, context)

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="probe")
    try:
        pending = {pool.submit(gated, spec): index for index, spec in runnable}
        for index, spec in invalid:
            yield index, run_check(spec, context)
        # Queued checks start their own deadline late; allow for the waves (overall and
        # behind the busiest host).
        busiest = max(Counter(_host_key(s) for _, s in runnable).values())
        waves = max(-(-len(runnable) // workers), -(-busiest // per_host))
        budget = waves * context.timeout + OVERRUN_GRACE
        while pending:
            done, _ = wait(pending, timeout=budget, return_when=FIRST_COMPLETED)
            if not done:
                break
            for future in done:
                yield pending.pop(future), future.result()
        for future, index in pending.items():
            future.cancel()
            reason = f"no result within {context.timeout:g} s (the check overran)"
            yield (
                index,
                CheckResult(
                    Outcome.TIMEOUT,
                    reason=reason,
                    code="overran",
                    params={"seconds": context.timeout},
                ),
            )
    finally:
        pool.shutdown(wait=not pending, cancel_futures=True)
