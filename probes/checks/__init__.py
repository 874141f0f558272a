"""Check kinds and the one entry point that runs any of them.

`run_check` never raises: whatever happens becomes an outcome, so one broken
target cannot take down a run (nor a page).
"""

import dataclasses
import logging
import ssl
import time

from probes.checks.base import CheckResult, ProbeContext, ms, socket_error_result
from probes.checks.dns import check_dns
from probes.checks.http import check_http
from probes.checks.icmp import check_icmp
from probes.checks.tcp import check_tcp
from probes.checks.tls import check_tls
from probes.checks.udp import check_udp
from probes.guard import Blocked, Deadline, DialFailed, log_blocked
from probes.hosts import InvalidTarget
from probes.models import Kind
from probes.outcomes import Outcome
from probes.resolver import Resolution, ResolutionError, Resolver
from probes.targets import InvalidSpec, TargetSpec

logger = logging.getLogger(__name__)

CHECKS = {
    Kind.DNS: check_dns,
    Kind.TCP: check_tcp,
    Kind.TLS: check_tls,
    Kind.HTTP: check_http,
    Kind.HTTPS: check_http,
    Kind.UDP: check_udp,
    Kind.ICMP: check_icmp,
}

__all__ = ["CHECKS", "CheckResult", "ProbeContext", "run_check"]


def _run(spec: TargetSpec, context: ProbeContext, deadline: Deadline) -> CheckResult:
    try:
        return CHECKS[spec.kind](spec, context, deadline)
    except Blocked as exc:
        log_blocked(spec.host, exc.reason)
        return CheckResult(
            Outcome.BLOCKED, exc.addresses, {}, {"policy": exc.reason}, exc.reason, code="blocked"
        )
    except ResolutionError as exc:
        return CheckResult(
            Outcome.DNS_ERROR,
            details={"resolver": exc.kind},
            reason=exc.reason,
            code=f"dns_{exc.kind}",
            params={"name": str(spec.host), "hosts_file": exc.hosts_file},
        )
    except DialFailed as exc:
        return socket_error_result(
            exc.error, addresses=exc.addresses, timings_ms={"dns": ms(exc.dns_ms)}
        )
    except InvalidTarget as exc:
        return CheckResult(Outcome.INVALID, [], {}, {}, str(exc))
    except ssl.SSLError as exc:
        return CheckResult(Outcome.TLS_ERROR, reason=f"TLS error: {exc}", code="tls_handshake")
    except OSError as exc:  # TimeoutError and ConnectionError are OSErrors too
        return socket_error_result(exc)


class _NotingResolver:
    """Passes lookups through and notes what answered (hosts file or DNS) for the details."""

    def __init__(self, resolver: Resolver):
        self.resolver = resolver
        self.sources: list[str] = []

    def resolve(self, name: str, *, timeout: float) -> Resolution:
        resolution = self.resolver.resolve(name, timeout=timeout)
        source = getattr(resolution, "source", "")
        if source and source not in self.sources:
            self.sources.append(source)
        return resolution


def run_check(spec: TargetSpec | InvalidSpec, context: ProbeContext) -> CheckResult:
    if not spec.is_valid:
        return CheckResult(Outcome.INVALID, [], {}, {}, spec.reason)
    deadline = Deadline(context.timeout)
    started = time.monotonic()
    noting = _NotingResolver(context.resolver)
    try:
        result = _run(spec, dataclasses.replace(context, resolver=noting), deadline)
    except Exception as exc:
        # A bug in a check must not pass for a network finding, nor crash the run.
        logger.exception("probe check crashed for %s", spec.text)
        result = CheckResult(
            Outcome.UNAVAILABLE, reason=f"the check failed on this server: {exc!r}", code="crashed"
        )
    result.timings_ms["total"] = ms((time.monotonic() - started) * 1000)
    if noting.sources:
        result.details.setdefault("resolved_by", ", ".join(noting.sources))
    return result
