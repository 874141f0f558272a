"""The SSRF policy: probes connect only to addresses the policy allows.

Every check kind dials through `guarded_dial` (or, for checks that only need
the address, `resolve_checked`). The name is resolved exactly once; every
address it resolves to is checked, and the socket then connects to the checked
address itself, so a second lookup (DNS rebinding) can never swap it. The name
is kept for SNI and the Host header by the callers.
"""

import functools
import ipaddress
import logging
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from probes.hosts import Host, IPAddress
from probes.resolver import DnsResolver, HostsFile, Resolution, Resolver, SystemResolver

logger = logging.getLogger(__name__)


def _nets(*pairs: tuple[str, str]) -> list[tuple[ipaddress._BaseNetwork, str]]:
    return [(ipaddress.ip_network(cidr), label) for cidr, label in pairs]


# Most specific first: the first match names the reason shown to the operator.
DENIED_NETWORKS = _nets(
    ("0.0.0.0/8", "unspecified / “this network” address"),
    ("127.0.0.0/8", "loopback address"),
    ("10.0.0.0/8", "private address (RFC 1918)"),
    ("172.16.0.0/12", "private address (RFC 1918)"),
    ("192.168.0.0/16", "private address (RFC 1918)"),
    ("100.64.0.0/10", "carrier-grade NAT shared address (RFC 6598)"),
    ("169.254.169.254/32", "cloud metadata service (link-local)"),
    ("169.254.0.0/16", "link-local address"),
    ("192.0.0.0/24", "IETF protocol assignment (reserved)"),
    ("192.0.2.0/24", "documentation address (TEST-NET-1)"),
    ("198.51.100.0/24", "documentation address (TEST-NET-2)"),
    ("203.0.113.0/24", "documentation address (TEST-NET-3)"),
    ("198.18.0.0/15", "benchmarking address (RFC 2544)"),
    ("192.88.99.0/24", "deprecated 6to4 relay anycast address"),
    ("224.0.0.0/4", "multicast address"),
    ("255.255.255.255/32", "broadcast address"),
    ("240.0.0.0/4", "reserved address (240/4)"),
    ("::/128", "unspecified address"),
    ("::1/128", "loopback address"),
    ("64:ff9b:1::/48", "local-use NAT64 address"),
    ("100::/64", "discard-only address"),
    ("2001:db8::/32", "documentation address"),
    ("3fff::/20", "documentation address"),
    ("2001:2::/48", "benchmarking address"),
    ("2001::/32", "Teredo tunnel address"),
    ("fc00::/7", "unique local address (ULA)"),
    ("fe80::/10", "link-local address"),
    ("fec0::/10", "deprecated site-local address"),
    ("ff00::/8", "multicast address"),
)
NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
# Forms a name has no business resolving to: judged by the IPv4 address they carry,
# and refused even when that address is public (an allowlisted one excepted).
IPV4_WRAPPERS = (
    (ipaddress.ip_network("::ffff:0:0/96"), "IPv4-mapped IPv6 address"),
    (ipaddress.ip_network("::ffff:0:0:0/96"), "IPv4-translated IPv6 address"),
    (ipaddress.ip_network("::/96"), "deprecated IPv4-compatible IPv6 address"),
)
_NOT_WRAPPED = {ipaddress.ip_address("::"), ipaddress.ip_address("::1")}


class Blocked(Exception):
    """The policy refuses to connect; `reason` says which address and why."""

    def __init__(self, reason: str, *, addresses: Iterable[IPAddress] = ()):
        super().__init__(reason)
        self.reason = reason
        self.addresses = [str(a) for a in addresses]


class DialFailed(Exception):
    """Every checked address failed to connect; `error` is the last socket error."""

    def __init__(self, error: OSError | None, *, addresses: list[IPAddress], dns_ms: float):
        super().__init__(str(error))
        self.error = error
        self.addresses = [str(a) for a in addresses]
        self.dns_ms = dns_ms


class Deadline:
    """One check's time budget, shared by its phases (DNS, connect, TLS, first byte…)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.started = time.monotonic()
        self.ends = self.started + seconds

    def remaining(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no answer within {self.seconds:g} s")
        return left


def embedded_ipv4(ip: IPAddress) -> tuple[ipaddress.IPv4Address, str | None] | None:
    """The IPv4 address an IPv6 address carries, with the label of a form refused as such.

    NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach the embedded address through a
    gateway, so they are judged by it and nothing else.
    """
    if ip.version != 6 or ip in _NOT_WRAPPED:
        return None
    for network, label in IPV4_WRAPPERS:
        if ip in network:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), label
    if ip in NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), None
    if ip.sixtofour is not None:
        return ip.sixtofour, None
    return None


def canonical(ip: IPAddress) -> IPAddress:
    """The address the packets are for: the embedded IPv4 address where there is one."""
    embedded = embedded_ipv4(ip)
    return embedded[0] if embedded else ip


@dataclass
class Policy:
    allowed_networks: list = field(default_factory=list)
    allowed_hosts: list[str] = field(default_factory=list)

    @classmethod
    def from_settings(cls) -> "Policy":
        return cls.build(
            networks=getattr(settings, "PROBES_ALLOWED_NETWORKS", []),
            hosts=getattr(settings, "PROBES_ALLOWED_HOSTS", []),
        )

    @classmethod
    def build(cls, *, networks: Iterable[str] = (), hosts: Iterable[str] = ()) -> "Policy":
        return cls(
            allowed_networks=[ipaddress.ip_network(n.strip(), strict=False) for n in networks],
            allowed_hosts=[h.strip().lower().rstrip(".") for h in hosts if h.strip()],
        )

    def host_is_allowed(self, host: Host) -> bool:
        """An operator-trusted name (exact, or `*.example.com` for its subdomains)."""
        if host.name is None:
            return False
        for allowed in self.allowed_hosts:
            if allowed.startswith("*."):
                if host.name.endswith(allowed[1:]):
                    return True
            elif host.name == allowed:
                return True
        return False

    def _network_allows(self, ip: IPAddress) -> bool:
        return any(ip.version == net.version and ip in net for net in self.allowed_networks)

    @staticmethod
    def _listed_reason(ip: IPAddress) -> str | None:
        """Why an address that carries no other one is denied, or None."""
        for network, label in DENIED_NETWORKS:
            if ip.version == network.version and ip in network:
                return label
        if ip.is_multicast:
            return "multicast address"
        if not ip.is_global:
            return "reserved address (not globally routable)"
        return None

    def denial_reason(self, ip: IPAddress) -> str | None:
        """None when the policy lets probes connect to `ip`; otherwise why not.

        In this order: canonicalise (the IPv4 address a v6 form embeds), deny, then
        allow, so an allowlisted IPv6 range (even ::/0) never admits the IPv4
        loopback or private address wrapped inside it.
        """
        embedded = embedded_ipv4(ip)
        if embedded is None:
            target, reason = ip, self._listed_reason(ip)
        else:
            target, wrapper = embedded
            inner = self._listed_reason(target)
            if wrapper:
                reason = f"{wrapper} (embeds {target}{f', {inner}' if inner else ''})"
            else:
                reason = f"IPv6 address embedding {target} ({inner})" if inner else None
        if reason is None or self._network_allows(target):
            return None
        return reason

    def check(self, host: Host, addresses: Iterable[IPAddress]) -> list[IPAddress]:
        """Raise Blocked unless EVERY address may be dialled; one bad answer taints the name."""
        addresses = list(addresses)
        if self.host_is_allowed(host):
            return addresses
        for ip in addresses:
            reason = self.denial_reason(ip)
            if reason:
                shown = f"{host} → {ip}" if host.name else str(ip)
                raise Blocked(f"{shown}: {reason}", addresses=addresses)
        return addresses


@dataclass
class Resolved:
    host: Host
    addresses: list[IPAddress]
    dns_ms: float = 0.0
    resolution: Resolution | None = None


def resolve_checked(
    host: Host, *, policy: Policy, resolver: Resolver, deadline: Deadline
) -> Resolved:
    """Resolve once and check every address. Raises ResolutionError, Blocked or TimeoutError."""
    if host.is_ip:
        policy.check(host, [host.ip])
        return Resolved(host=host, addresses=[host.ip])
    started = time.monotonic()
    resolution = resolver.resolve(host.name, timeout=deadline.remaining())
    dns_ms = (time.monotonic() - started) * 1000
    addresses = policy.check(host, resolution.addresses)
    return Resolved(host=host, addresses=addresses, dns_ms=dns_ms, resolution=resolution)


@dataclass
class Dialed:
    sock: socket.socket
    address: IPAddress
    addresses: list[IPAddress]
    dns_ms: float
    connect_ms: float


def _sockaddr(ip: IPAddress, port: int) -> tuple[int, tuple]:
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 4:
        return socket.AF_INET, (str(ip), port)
    return socket.AF_INET6, (str(ip), port, 0, 0)


def connect_checked(
    ip: IPAddress, port: int, *, deadline: Deadline, socktype: int = socket.SOCK_STREAM
) -> socket.socket:
    """Connect to one address the policy has already approved."""
    family, sockaddr = _sockaddr(ip, port)
    sock = socket.socket(family, socktype)
    try:
        sock.settimeout(deadline.remaining())
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


def guarded_dial(
    host: Host,
    port: int,
    *,
    policy: Policy,
    resolver: Resolver,
    deadline: Deadline,
    socktype: int = socket.SOCK_STREAM,
) -> Dialed:
    """Resolve once, check every address, connect to a checked address (first that answers)."""
    resolved = resolve_checked(host, policy=policy, resolver=resolver, deadline=deadline)
    started = time.monotonic()
    last_error: OSError | None = None
    for ip in resolved.addresses:
        try:
            sock = connect_checked(ip, port, deadline=deadline, socktype=socktype)
        except (TimeoutError, ConnectionRefusedError) as exc:
            # A refusal or a timeout is the answer; other addresses of the same
            # name are tried only while time is left.
            last_error = exc
            if isinstance(exc, TimeoutError):
                break
            continue
        except OSError as exc:
            last_error = exc
            continue
        return Dialed(
            sock=sock,
            address=ip,
            addresses=resolved.addresses,
            dns_ms=resolved.dns_ms,
            connect_ms=(time.monotonic() - started) * 1000,
        )
    raise DialFailed(last_error, addresses=resolved.addresses, dns_ms=resolved.dns_ms)


def default_resolver() -> Resolver:
    """How the server's own programs resolve: the hosts file, then DNS."""
    return SystemResolver(
        hosts=_hosts_file(getattr(settings, "PROBES_HOSTS_FILE", "/etc/hosts")),
        dns_resolver=DnsResolver(getattr(settings, "PROBES_DNS_NAMESERVERS", None)),
    )


@functools.cache
def _hosts_file(path: str) -> HostsFile:
    # One per path: it keeps the parsed file until the file changes.
    return HostsFile(path)


def log_blocked(host: Host, reason: str) -> None:
    logger.warning("probe blocked by policy: %s (%s)", host, reason)
