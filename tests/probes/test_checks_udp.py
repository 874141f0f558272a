import socket

from probes.checks import run_check
from probes.checks.udp import (
    QUIC_MIN_DATAGRAM,
    RESERVED_VERSION,
    parse_version_negotiation,
    version_negotiation_probe,
)
from probes.outcomes import Outcome
from probes.targets import spec_from_text
from tests.probes.conftest import free_port


def test_probe_is_a_padded_long_header_with_a_reserved_version():
    packet, dcid = version_negotiation_probe()
    assert len(packet) == QUIC_MIN_DATAGRAM
    assert packet[0] & 0xC0 == 0xC0
    version = int.from_bytes(packet[1:5], "big")
    assert version == RESERVED_VERSION and version & 0x0F0F0F0F == 0x0A0A0A0A
    assert packet[5] == len(dcid) and packet[6 : 6 + len(dcid)] == dcid


def test_version_negotiation_reply_is_understood():
    _, dcid = version_negotiation_probe()
    reply = bytes([0x80]) + b"\0\0\0\0" + bytes([8]) + b"S" * 8 + bytes([len(dcid)]) + dcid
    reply += (1).to_bytes(4, "big") + (0x6B3343CF).to_bytes(4, "big")
    assert parse_version_negotiation(reply, dcid) == ["0x00000001", "0x6b3343cf"]
    assert parse_version_negotiation(b"echo" * 10, dcid) is None


def test_a_reply_proves_the_port_open(context, udp_echo_port):
    result = run_check(spec_from_text(f"udp://127.0.0.1:{udp_echo_port}"), context)
    assert result.outcome == Outcome.OK
    assert result.details["state"] == "open"
    assert result.details["quic_version_negotiation"] is False  # an echo, not QUIC


def test_no_listener_is_closed(context):
    result = run_check(spec_from_text(f"udp://127.0.0.1:{free_port(socket.SOCK_DGRAM)}"), context)
    assert result.outcome == Outcome.REFUSED
    assert result.details["state"] == "closed"


def test_silence_is_open_filtered_never_ok(context, udp_silent_port):
    context.timeout = 0.6
    result = run_check(spec_from_text(f"udp://127.0.0.1:{udp_silent_port}"), context)
    assert result.outcome == Outcome.OPEN_FILTERED
    assert result.details["state"] == "open|filtered"
