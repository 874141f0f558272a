"""Name resolution for probes, behind a small interface so tests can inject answers.

dnspython rather than getaddrinfo: getaddrinfo has no timeout and folds every
failure into "Name or service not known", while the operator needs to tell a
name that does not exist from a DNS server that does not answer.
"""

import ipaddress
from dataclasses import dataclass, field
from typing import Protocol

import dns.exception
import dns.resolver

from probes.hosts import IPAddress


class ResolutionError(Exception):
    """The name could not be resolved; `reason` is what the resolver said."""

    def __init__(self, reason: str, *, kind: str = "error"):
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # nxdomain, no_answer, timeout, error


@dataclass
class Resolution:
    name: str
    a: list[IPAddress] = field(default_factory=list)
    aaaa: list[IPAddress] = field(default_factory=list)

    @property
    def addresses(self) -> list[IPAddress]:
        return [*self.a, *self.aaaa]


class Resolver(Protocol):
    def resolve(self, name: str, *, timeout: float) -> Resolution: ...


class DnsResolver:
    """The server's own DNS (/etc/resolv.conf), or the nameservers given."""

    def __init__(self, nameservers: list[str] | None = None):
        self.nameservers = list(nameservers or [])

    def _resolver(self) -> dns.resolver.Resolver:
        resolver = dns.resolver.Resolver(configure=not self.nameservers)
        if self.nameservers:
            resolver.nameservers = self.nameservers
        return resolver

    def resolve(self, name: str, *, timeout: float) -> Resolution:
        resolver = self._resolver()
        result = Resolution(name=name)
        answered = False
        for rdtype, bucket in (("A", result.a), ("AAAA", result.aaaa)):
            try:
                answer = resolver.resolve(name, rdtype, lifetime=max(timeout / 2, 0.1))
            except dns.resolver.NXDOMAIN as exc:
                raise ResolutionError(f"NXDOMAIN: {name} does not exist", kind="nxdomain") from exc
            except dns.resolver.NoAnswer:
                answered = True
                continue
            except dns.exception.Timeout as exc:
                if result.addresses:
                    break
                raise ResolutionError(
                    f"the DNS server did not answer within {timeout:g} s", kind="timeout"
                ) from exc
            except dns.resolver.NoNameservers as exc:
                raise ResolutionError(f"no DNS server could answer: {exc}") from exc
            except dns.exception.DNSException as exc:
                raise ResolutionError(str(exc) or exc.__class__.__name__) from exc
            answered = True
            bucket.extend(ipaddress.ip_address(rr.address) for rr in answer)
        if not result.addresses:
            reason = f"{name} has no A or AAAA record" if answered else f"{name} did not resolve"
            raise ResolutionError(reason, kind="no_answer")
        return result
