import pytest

from probes.checks import run_check
from probes.outcomes import Outcome
from probes.targets import spec_from_text
from tests.probes.resolvers import StaticResolver


def _status(code, **headers):
    return lambda request: (code, headers)


def _url(server, path, host="127.0.0.1"):
    return f"http://{host}:{server.server_address[1]}{path}"


def test_200_reports_status_and_phase_timings(context, http_server):
    http_server.routes["/ok"] = _status(200, **{"X-Probe-Test": "1"})
    result = run_check(spec_from_text(_url(http_server, "/ok")), context)
    assert result.outcome == Outcome.OK
    assert result.details["status"] == 200
    assert result.details["server"].startswith("BaseHTTP")
    assert set(result.timings_ms) >= {"dns", "connect", "first_byte", "total"}


def test_host_header_keeps_the_name(context, http_server):
    seen = []

    def record(request):
        seen.append(request.headers["Host"])
        return 200, {}

    http_server.routes["/host"] = record
    result = run_check(spec_from_text(_url(http_server, "/host", host="good.test")), context)
    assert result.outcome == Outcome.OK
    assert seen == [f"good.test:{http_server.server_address[1]}"]


def test_500_is_an_http_error(context, http_server):
    http_server.routes["/fail"] = _status(500)
    result = run_check(spec_from_text(_url(http_server, "/fail")), context)
    assert result.outcome == Outcome.HTTP_ERROR
    assert result.details["status"] == 500
    assert "500" in result.reason


def test_redirect_chain_is_followed_and_recorded(context, http_server):
    http_server.routes["/a"] = _status(301, Location="/b")
    http_server.routes["/b"] = _status(302, Location=_url(http_server, "/c", host="good.test"))
    http_server.routes["/c"] = _status(200)
    result = run_check(spec_from_text(_url(http_server, "/a")), context)
    assert result.outcome == Outcome.OK
    assert result.details["redirects"] == 2
    assert [hop["status"] for hop in result.details["hops"]] == [301, 302, 200]
    assert result.details["url"].startswith("http://good.test:")


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://0xa9fea9fe/",
        "http://[::ffff:10.0.0.1]/",
        "http://metadata.test/",
    ],
)
def test_redirect_to_a_denied_address_is_blocked_at_that_hop(context, http_server, location):
    context.resolver = StaticResolver({"metadata.test": ["169.254.169.254"]})
    http_server.routes["/go"] = _status(302, Location=location)
    result = run_check(spec_from_text(_url(http_server, "/go")), context)
    assert result.outcome == Outcome.BLOCKED
    assert "redirect #1" in result.reason


def test_redirect_to_loopback_is_blocked_when_loopback_is_not_allowed(context, http_server):
    from probes.guard import Policy

    http_server.routes["/go"] = _status(302, Location=_url(http_server, "/ok"))
    http_server.routes["/ok"] = _status(200)
    # Only the first hop's exact address is allowed; the redirect goes to another loopback name.
    context.policy = Policy.build(hosts=["good.test"])
    result = run_check(spec_from_text(_url(http_server, "/go", host="good.test")), context)
    assert result.outcome == Outcome.BLOCKED
    assert "loopback" in result.reason


def test_endless_redirects_stop(context, http_server):
    http_server.routes["/loop"] = _status(302, Location="/loop")
    context.max_redirects = 3
    result = run_check(spec_from_text(_url(http_server, "/loop")), context)
    assert result.outcome == Outcome.HTTP_ERROR
    assert "more than 3 redirects" in result.reason


def test_redirect_to_another_scheme_is_an_http_error(context, http_server):
    http_server.routes["/ftp"] = _status(302, Location="ftp://good.test/file")
    result = run_check(spec_from_text(_url(http_server, "/ftp")), context)
    assert result.outcome == Outcome.HTTP_ERROR


def test_silent_server_times_out_waiting_for_the_first_byte(context, silent_tcp_port):
    context.timeout = 0.5
    result = run_check(spec_from_text(f"http://127.0.0.1:{silent_tcp_port}/"), context)
    assert result.outcome == Outcome.TIMEOUT


def test_https_verifies_and_reports_the_certificate(context, https_server):
    https_server.routes["/"] = _status(200)
    port = https_server.server_address[1]
    result = run_check(spec_from_text(f"https://good.test:{port}/"), context)
    assert result.outcome == Outcome.OK, result.reason
    assert "good.test" in result.details["certificate"]["sans"]
    assert "tls" in result.timings_ms


def test_https_with_a_wrong_name_is_a_tls_error(context, https_server):
    port = https_server.server_address[1]
    result = run_check(spec_from_text(f"https://other.test:{port}/"), context)
    assert result.outcome == Outcome.TLS_ERROR
    assert result.details["problem"] == "hostname_mismatch"
