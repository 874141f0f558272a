"""`udp` for QUIC endpoints: only a reply proves the port open.

A QUIC server must answer an Initial packet carrying a version it does not
know with a Version Negotiation packet (RFC 9000 §6). We send a long-header
packet with a reserved version of the 0x?a?a?a?a form (RFC 9000 §15), padded
to the 1200 bytes servers require, so any QUIC server replies without starting
a handshake. Silence proves nothing: it is reported as open|filtered, never ok.
"""

import os
import socket
import struct
import time

from probes.checks.base import CheckResult, ProbeContext, ms
from probes.guard import Deadline, guarded_dial
from probes.outcomes import Outcome
from probes.targets import TargetSpec

RESERVED_VERSION = 0x1A2A3A4A
QUIC_MIN_DATAGRAM = 1200
RESEND_AFTER = 1.0  # one more datagram in case the first was lost


def version_negotiation_probe() -> tuple[bytes, bytes]:
    """A probe packet and its destination connection ID (echoed back by a QUIC server)."""
    dcid, scid = os.urandom(8), os.urandom(8)
    first = 0xC0 | (os.urandom(1)[0] & 0x0F)  # long header, fixed bit, type bits free
    header = struct.pack("!BI", first, RESERVED_VERSION)
    header += bytes([len(dcid)]) + dcid + bytes([len(scid)]) + scid
    return header + os.urandom(QUIC_MIN_DATAGRAM - len(header)), dcid


def parse_version_negotiation(reply: bytes, sent_scid_dcid: bytes) -> list[str] | None:
    """Supported versions if the reply is a Version Negotiation packet, else None."""
    if len(reply) < 7 or not reply[0] & 0x80:
        return None
    if struct.unpack("!I", reply[1:5])[0] != 0:
        return None
    offset = 5
    dcid_len = reply[offset]
    offset += 1 + dcid_len
    if offset >= len(reply):
        return None
    scid_len = reply[offset]
    scid = reply[offset + 1 : offset + 1 + scid_len]
    offset += 1 + scid_len
    if scid != sent_scid_dcid:
        return None
    body = reply[offset:]
    return [f"0x{v:08x}" for (v,) in struct.iter_unpack("!I", body[: len(body) // 4 * 4])]


def check_udp(spec: TargetSpec, context: ProbeContext, deadline: Deadline) -> CheckResult:
    dialed = guarded_dial(
        spec.host,
        spec.port,
        policy=context.policy,
        resolver=context.resolver,
        deadline=deadline,
        socktype=socket.SOCK_DGRAM,
    )
    addresses = [str(a) for a in dialed.addresses]
    timings = {"dns": ms(dialed.dns_ms)}
    packet, dcid = version_negotiation_probe()
    sock = dialed.sock
    started = time.monotonic()
    try:
        sock.send(packet)
        resent = False
        while True:
            wait = deadline.remaining()
            if not resent:
                wait = min(wait, RESEND_AFTER)
            sock.settimeout(wait)
            try:
                reply = sock.recv(65535)
                break
            except TimeoutError:
                if resent:
                    raise
                sock.send(packet)
                resent = True
    except ConnectionRefusedError:
        # The connected socket surfaced an ICMP port unreachable: closed.
        timings["reply"] = ms((time.monotonic() - started) * 1000)
        return CheckResult(
            Outcome.REFUSED,
            addresses,
            timings,
            {"state": "closed"},
            "ICMP port unreachable: nothing listens on this UDP port",
            code="udp_closed",
        )
    except TimeoutError:
        details = {"state": "open|filtered", "datagrams_sent": 2}
        reason = "no reply: the port is open or silently filtered"
        return CheckResult(
            Outcome.OPEN_FILTERED, addresses, timings, details, reason, code="udp_no_reply"
        )
    finally:
        sock.close()
    timings["reply"] = ms((time.monotonic() - started) * 1000)
    versions = parse_version_negotiation(reply, dcid)
    details = {
        "state": "open",
        "reply_bytes": len(reply),
        "quic_version_negotiation": versions is not None,
    }
    if versions is not None:
        details["quic_versions"] = versions
    return CheckResult(Outcome.OK, addresses, timings, details)
