"""Name resolution for probes, as the server's own programs resolve: the hosts file, then DNS.

dnspython rather than getaddrinfo: getaddrinfo has no timeout and folds every
failure into "Name or service not known", while the operator needs to tell a
name that does not exist from a DNS server that does not answer. The hosts file
is read first, as glibc does with the usual "hosts: files dns" in nsswitch.conf.
"""

import ipaddress
import os
import threading
from dataclasses import dataclass, field
from typing import Protocol

import dns.exception
import dns.resolver

from probes.hosts import IPAddress


class ResolutionError(Exception):
    """The name could not be resolved; `reason` is what the resolver said."""

    def __init__(self, reason: str, *, kind: str = "error", hosts_file: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # nxdomain, no_answer, timeout, error
        self.hosts_file = hosts_file  # the hosts file that was read first, if any


@dataclass
class Resolution:
    name: str
    a: list[IPAddress] = field(default_factory=list)
    aaaa: list[IPAddress] = field(default_factory=list)
    source: str = "DNS"  # what answered, shown in the result's details

    @property
    def addresses(self) -> list[IPAddress]:
        return [*self.a, *self.aaaa]


class Resolver(Protocol):
    def resolve(self, name: str, *, timeout: float) -> Resolution: ...


class DnsResolver:
    """The server's own DNS (/etc/resolv.conf), or the nameservers given."""

    def __init__(self, nameservers: list[str] | None = None):
        self.nameservers = list(nameservers or [])
        self.source = f"DNS ({', '.join(self.nameservers)})" if self.nameservers else "DNS"

    def _resolver(self) -> dns.resolver.Resolver:
        resolver = dns.resolver.Resolver(configure=not self.nameservers)
        if self.nameservers:
            resolver.nameservers = self.nameservers
        return resolver

    def resolve(self, name: str, *, timeout: float) -> Resolution:
        resolver = self._resolver()
        result = Resolution(name=name, source=self.source)
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


class HostsFile:
    """Names and addresses from a hosts file, re-read when the file changes."""

    def __init__(self, path: str):
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._table: dict[str, list[IPAddress]] = {}

    @staticmethod
    def parse(text: str) -> dict[str, list[IPAddress]]:
        """ "address name [aliases…]" lines; comments and malformed lines are skipped."""
        table: dict[str, list[IPAddress]] = {}
        for line in text.splitlines():
            fields = line.split("#", 1)[0].split()
            if len(fields) < 2:
                continue
            try:
                address = ipaddress.ip_address(fields[0])
            except ValueError:
                continue
            for name in fields[1:]:
                found = table.setdefault(name.lower().rstrip("."), [])
                if address not in found:
                    found.append(address)
        return table

    def lookup(self, name: str) -> list[IPAddress]:
        try:
            info = os.stat(self.path)
        except OSError:
            return []  # no hosts file: DNS only, as for the system resolver
        with self._lock:
            if self._stamp != (info.st_mtime_ns, info.st_size):
                with open(self.path, encoding="utf-8", errors="replace") as handle:
                    self._table = self.parse(handle.read())
                self._stamp = (info.st_mtime_ns, info.st_size)
            return list(self._table.get(name.lower().rstrip("."), []))


class SystemResolver:
    """The hosts file first, then DNS: one lookup per check, within the check's time."""

    def __init__(self, *, hosts: HostsFile, dns_resolver: DnsResolver):
        self.hosts = hosts
        self.dns = dns_resolver

    def resolve(self, name: str, *, timeout: float) -> Resolution:
        listed = self.hosts.lookup(name)
        if listed:
            return Resolution(
                name=name,
                a=[ip for ip in listed if ip.version == 4],
                aaaa=[ip for ip in listed if ip.version == 6],
                source=f"hosts file ({self.hosts.path})",
            )
        try:
            return self.dns.resolve(name, timeout=timeout)
        except ResolutionError as exc:
            reason = exc.reason
            if exc.kind == "nxdomain":
                reason = f"{reason} (not in {self.hosts.path} either)"
            raise ResolutionError(reason, kind=exc.kind, hosts_file=self.hosts.path) from exc
