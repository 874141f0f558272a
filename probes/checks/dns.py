"""`dns`: does the server's resolver find A/AAAA records for the name?

Nothing is dialled, so the policy does not block the lookup; answers that the
policy would refuse to connect to are pointed out, since a public service
resolving to a private address is itself a finding.
"""

import time

from probes.checks.base import CheckResult, ProbeContext, ms
from probes.guard import Deadline
from probes.outcomes import Outcome
from probes.targets import TargetSpec


def check_dns(spec: TargetSpec, context: ProbeContext, deadline: Deadline) -> CheckResult:
    started = time.monotonic()
    resolution = context.resolver.resolve(spec.host.name, timeout=deadline.remaining())
    elapsed = (time.monotonic() - started) * 1000
    not_public = {
        str(ip): reason
        for ip in resolution.addresses
        if (reason := context.policy.denial_reason(ip))
    }
    details = {
        "a": [str(ip) for ip in resolution.a],
        "aaaa": [str(ip) for ip in resolution.aaaa],
    }
    if not_public:
        details["not_public"] = not_public
    return CheckResult(
        outcome=Outcome.OK,
        addresses=[str(ip) for ip in resolution.addresses],
        timings_ms={"dns": ms(elapsed)},
        details=details,
    )
