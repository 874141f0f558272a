"""What every check kind shares: the run's context and the shape of a result."""

import errno
from dataclasses import dataclass, field

from django.conf import settings

from probes import guard
from probes.guard import Policy
from probes.outcomes import Outcome
from probes.resolver import Resolver


@dataclass
class ProbeContext:
    """Everything a check needs besides its target; built from settings, injectable in tests."""

    policy: Policy
    resolver: Resolver
    timeout: float = 5.0
    ca_bundle: str = ""
    max_redirects: int = 5

    @classmethod
    def from_settings(cls, *, timeout: float | None = None, resolver: Resolver | None = None):
        return cls(
            policy=Policy.from_settings(),
            resolver=resolver or guard.default_resolver(),
            timeout=timeout or settings.PROBES_TIMEOUT,
            ca_bundle=settings.PROBES_CA_BUNDLE,
            max_redirects=settings.PROBES_MAX_REDIRECTS,
        )


@dataclass
class CheckResult:
    outcome: str
    addresses: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    reason: str = ""  # technical, in English: for logs, the API and the expandable details
    # What the reader is told, in their language at display time (probes/explain.py).
    code: str = ""
    params: dict = field(default_factory=dict)


_UNREACHABLE = {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN}


def socket_error_result(error: BaseException | None, **fields) -> CheckResult:
    """A connect-time socket error as a result: outcome, reason code and technical reason."""
    if isinstance(error, TimeoutError):
        return CheckResult(
            Outcome.TIMEOUT, reason=str(error) or "timed out", code="timeout", **fields
        )
    if isinstance(error, ConnectionRefusedError):
        reason = "connection refused (nothing listens, or a firewall rejects)"
        return CheckResult(Outcome.REFUSED, reason=reason, code="refused", **fields)
    if isinstance(error, OSError) and error.errno in _UNREACHABLE:
        reason = f"unreachable: {error.strerror}"
        return CheckResult(Outcome.REFUSED, reason=reason, code="unreachable", **fields)
    if isinstance(error, ConnectionError):
        return CheckResult(
            Outcome.REFUSED, reason=f"connection reset: {error}", code="reset", **fields
        )
    reason = str(error) or error.__class__.__name__
    return CheckResult(Outcome.REFUSED, reason=reason, **fields)


def ms(value: float) -> float:
    return round(value, 1)
