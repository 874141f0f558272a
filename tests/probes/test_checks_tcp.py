from probes.checks import run_check
from probes.outcomes import Outcome
from probes.targets import spec_from_text


def test_open_port_is_ok_with_connect_timing(context, open_tcp_port):
    result = run_check(spec_from_text(f"tcp://127.0.0.1:{open_tcp_port}"), context)
    assert result.outcome == Outcome.OK
    assert result.addresses == ["127.0.0.1"]
    assert set(result.timings_ms) >= {"dns", "connect", "total"}


def test_closed_port_is_refused(context, closed_tcp_port):
    result = run_check(spec_from_text(f"tcp://127.0.0.1:{closed_tcp_port}"), context)
    assert result.outcome == Outcome.REFUSED
    assert "refused" in result.reason


def test_a_name_is_resolved_through_the_injected_resolver(context, resolver, open_tcp_port):
    result = run_check(spec_from_text(f"tcp://good.test:{open_tcp_port}"), context)
    assert result.outcome == Outcome.OK
    assert resolver.queries == ["good.test"]


def test_silent_server_still_accepts_tcp(context, silent_tcp_port):
    # TCP only proves the handshake; silence matters to TLS and HTTP (tested there).
    result = run_check(spec_from_text(f"tcp://127.0.0.1:{silent_tcp_port}"), context)
    assert result.outcome == Outcome.OK


def test_loopback_is_blocked_when_not_allowed(context, open_tcp_port):
    context.policy.allowed_networks = []
    result = run_check(spec_from_text(f"tcp://127.0.0.1:{open_tcp_port}"), context)
    assert result.outcome == Outcome.BLOCKED
    assert "loopback" in result.reason


def test_invalid_target_is_reported_not_raised(context):
    result = run_check(spec_from_text("tcp://127.0.0.1:99999"), context)
    assert result.outcome == Outcome.INVALID
    assert "not a port" in result.reason


def test_unknown_name_is_a_dns_error(context):
    result = run_check(spec_from_text("tcp://missing.test:443"), context)
    assert result.outcome == Outcome.DNS_ERROR
    assert "NXDOMAIN" in result.reason
