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
    reason: str = ""


_UNREACHABLE = {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN}


def outcome_for_socket_error(error: BaseException | None) -> tuple[str, str]:
    """Map a connect-time socket error to an outcome and a short technical reason."""
    if isinstance(error, TimeoutError):
        return Outcome.TIMEOUT, str(error) or "timed out"
    if isinstance(error, ConnectionRefusedError):
        return Outcome.REFUSED, "connection refused (nothing listens, or a firewall rejects)"
    if isinstance(error, OSError) and error.errno in _UNREACHABLE:
        return Outcome.REFUSED, f"unreachable: {error.strerror}"
    if isinstance(error, ConnectionError):
        return Outcome.REFUSED, f"connection reset: {error}"
    return Outcome.REFUSED, str(error) or error.__class__.__name__


def ms(value: float) -> float:
    return round(value, 1)
