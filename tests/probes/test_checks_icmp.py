from probes.checks import icmp, run_check
from probes.outcomes import Outcome
from probes.targets import spec_from_text


def test_icmp_without_socket_permission_is_unavailable_not_a_failure(context, monkeypatch):
    monkeypatch.setattr(icmp, "open_icmp_socket", lambda version: None)
    result = run_check(spec_from_text("icmp:127.0.0.1"), context)
    assert result.outcome == Outcome.UNAVAILABLE
    assert "not available on this server" in result.reason


def test_icmp_echo_on_loopback_when_the_os_allows(context):
    opened = icmp.open_icmp_socket(4)
    result = run_check(spec_from_text("icmp:127.0.0.1"), context)
    if opened is None:
        assert result.outcome == Outcome.UNAVAILABLE
    else:
        opened[0].close()
        assert result.outcome == Outcome.OK, result.reason
        assert "rtt" in result.timings_ms


def test_icmp_goes_through_the_guard(context):
    context.policy.allowed_networks = []
    result = run_check(spec_from_text("icmp:127.0.0.1"), context)
    assert result.outcome == Outcome.BLOCKED


def test_echo_request_checksum_verifies():
    packet = icmp.echo_request(4, 0x1234, 1, b"payload!")
    assert icmp._checksum(packet) == 0
