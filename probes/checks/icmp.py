"""`icmp`: echo request/reply, where the operating system lets this process send one.

Linux allows unprivileged "ping sockets" (SOCK_DGRAM + IPPROTO_ICMP) only for
groups in net.ipv4.ping_group_range; raw sockets need CAP_NET_RAW. When neither
is allowed the check says so (`unavailable`): that is a fact about this server,
not a network failure.
"""

import os
import socket
import struct
import time

from probes.checks.base import CheckResult, ProbeContext, ms
from probes.guard import Deadline, resolve_checked
from probes.outcomes import Outcome
from probes.targets import TargetSpec

ECHO_REQUEST = {4: 8, 6: 128}
ECHO_REPLY = {4: 0, 6: 129}


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def open_icmp_socket(version: int) -> tuple[socket.socket, bool] | None:
    """An ICMP socket and whether it is raw; None when the OS allows neither kind."""
    family = socket.AF_INET if version == 4 else socket.AF_INET6
    proto = socket.IPPROTO_ICMP if version == 4 else socket.IPPROTO_ICMPV6
    for socktype, is_raw in ((socket.SOCK_DGRAM, False), (socket.SOCK_RAW, True)):
        try:
            return socket.socket(family, socktype, proto), is_raw
        except OSError:
            continue
    return None


def echo_request(version: int, identifier: int, sequence: int, payload: bytes) -> bytes:
    header = struct.pack("!BBHHH", ECHO_REQUEST[version], 0, 0, identifier, sequence)
    checksum = _checksum(header + payload) if version == 4 else 0  # kernel fills ICMPv6's
    return struct.pack("!BBHHH", ECHO_REQUEST[version], 0, checksum, identifier, sequence) + payload


def _is_our_reply(packet: bytes, version: int, is_raw: bool, payload: bytes) -> bool:
    if is_raw and version == 4:
        packet = packet[(packet[0] & 0x0F) * 4 :]  # raw IPv4 sockets include the IP header
    return len(packet) >= 8 and packet[0] == ECHO_REPLY[version] and packet[8:] == payload


def check_icmp(spec: TargetSpec, context: ProbeContext, deadline: Deadline) -> CheckResult:
    resolved = resolve_checked(
        spec.host, policy=context.policy, resolver=context.resolver, deadline=deadline
    )
    addresses = [str(a) for a in resolved.addresses]
    timings = {"dns": ms(resolved.dns_ms)}
    target = resolved.addresses[0]
    if target.version == 6 and target.ipv4_mapped is not None:
        target = target.ipv4_mapped
    opened = open_icmp_socket(target.version)
    if opened is None:
        reason = "ICMP is not available on this server (no ping or raw socket permission)"
        return CheckResult(Outcome.UNAVAILABLE, addresses, timings, {}, reason, code="no_icmp")
    sock, is_raw = opened
    payload = os.urandom(16)
    started = time.monotonic()
    with sock:
        sock.sendto(
            echo_request(target.version, os.getpid() & 0xFFFF, 1, payload), (str(target), 0)
        )
        while True:
            sock.settimeout(deadline.remaining())
            packet = sock.recv(65535)
            if _is_our_reply(packet, target.version, is_raw, payload):
                break
    timings["rtt"] = ms((time.monotonic() - started) * 1000)
    details = {"pinged": str(target), "socket": "raw" if is_raw else "unprivileged"}
    return CheckResult(Outcome.OK, addresses, timings, details)
