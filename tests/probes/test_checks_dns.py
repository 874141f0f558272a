import dns.resolver
import pytest

from probes.checks import run_check
from probes.outcomes import Outcome
from probes.resolver import DnsResolver, ResolutionError
from probes.targets import spec_from_text
from tests.probes.resolvers import StaticResolver


def test_a_and_aaaa_records_are_reported_separately(context):
    context.resolver = StaticResolver({"dual.test": ["93.184.216.34", "2606:2800:220:1::1"]})
    result = run_check(spec_from_text("dns:dual.test"), context)
    assert result.outcome == Outcome.OK
    assert result.details["a"] == ["93.184.216.34"]
    assert result.details["aaaa"] == ["2606:2800:220:1::1"]
    assert "not_public" not in result.details
    assert "dns" in result.timings_ms


def test_nxdomain_is_a_dns_error_with_the_resolver_message(context):
    result = run_check(spec_from_text("dns:nowhere.test"), context)
    assert result.outcome == Outcome.DNS_ERROR
    assert "NXDOMAIN" in result.reason
    assert result.details["resolver"] == "nxdomain"


def test_mixed_public_and_private_answers_are_pointed_out(context):
    context.resolver = StaticResolver({"mixed.test": ["93.184.216.34", "192.168.0.10"]})
    result = run_check(spec_from_text("dns:mixed.test"), context)
    assert result.outcome == Outcome.OK
    assert result.details["not_public"] == {"192.168.0.10": "private address (RFC 1918)"}


def test_mixed_answers_block_a_connection_check(context):
    context.policy.allowed_networks = []
    context.resolver = StaticResolver({"mixed.test": ["93.184.216.34", "192.168.0.10"]})
    result = run_check(spec_from_text("tcp://mixed.test:443"), context)
    assert result.outcome == Outcome.BLOCKED
    assert "192.168.0.10" in result.reason


class _Answer(list):
    pass


class _Record:
    def __init__(self, address):
        self.address = address


def test_dns_resolver_maps_dnspython_errors(monkeypatch):
    def fake_resolve(self, name, rdtype, lifetime):
        if name == "gone.test":
            raise dns.resolver.NXDOMAIN
        if rdtype == "AAAA":
            raise dns.resolver.NoAnswer
        return _Answer([_Record("93.184.216.34")])

    monkeypatch.setattr(dns.resolver.Resolver, "resolve", fake_resolve)
    resolver = DnsResolver(["127.0.0.1"])
    assert [str(a) for a in resolver.resolve("v4only.test", timeout=1).addresses] == [
        "93.184.216.34"
    ]
    with pytest.raises(ResolutionError) as caught:
        resolver.resolve("gone.test", timeout=1)
    assert caught.value.kind == "nxdomain"


def test_dns_resolver_reports_a_silent_server(monkeypatch):
    def fake_resolve(self, name, rdtype, lifetime):
        raise dns.resolver.LifetimeTimeout(timeout=lifetime, errors=[])

    monkeypatch.setattr(dns.resolver.Resolver, "resolve", fake_resolve)
    with pytest.raises(ResolutionError) as caught:
        DnsResolver(["127.0.0.1"]).resolve("slow.test", timeout=1)
    assert caught.value.kind == "timeout"
