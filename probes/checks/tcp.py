"""`tcp`: can the server open a TCP connection to the target?"""

from probes.checks.base import CheckResult, ProbeContext, ms
from probes.guard import Deadline, guarded_dial
from probes.outcomes import Outcome
from probes.targets import TargetSpec


def check_tcp(spec: TargetSpec, context: ProbeContext, deadline: Deadline) -> CheckResult:
    dialed = guarded_dial(
        spec.host, spec.port, policy=context.policy, resolver=context.resolver, deadline=deadline
    )
    dialed.sock.close()
    return CheckResult(
        outcome=Outcome.OK,
        addresses=[str(a) for a in dialed.addresses],
        timings_ms={"dns": ms(dialed.dns_ms), "connect": ms(dialed.connect_ms)},
        details={"connected_to": str(dialed.address), "port": spec.port},
    )
