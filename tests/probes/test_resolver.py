"""Probes resolve as the server's programs do: the hosts file, then DNS (issue 14, item 11)."""

import ipaddress
from pathlib import Path

import pytest

from probes import guard
from probes.checks import ProbeContext, run_check
from probes.guard import Policy
from probes.outcomes import Outcome
from probes.resolver import DnsResolver, HostsFile, Resolution, ResolutionError, SystemResolver
from probes.targets import spec_from_text
from tests.probes.conftest import LOOPBACK_NETWORKS

# Captured before the autouse fixture swaps in the in-memory table.
PROJECT_DEFAULT_RESOLVER = guard.default_resolver

HOSTS = """\
# comments and blank lines are skipped

127.0.0.1   localhost   kb-probe.internal   # a trailing comment
::1         localhost ip6-localhost
not-an-address  broken.test
192.0.2.10  Docs.Example.
"""


class ScriptedDns:
    """Stands in for DNS and records what it was asked."""

    def __init__(self, *, answer: list[str] | None = None, error: ResolutionError | None = None):
        self.answer, self.error, self.queries = answer or [], error, []

    def resolve(self, name: str, *, timeout: float) -> Resolution:
        self.queries.append(name)
        if self.error:
            raise self.error
        return Resolution(name=name, a=[ipaddress.ip_address(a) for a in self.answer])


@pytest.fixture
def hosts_file(tmp_path) -> HostsFile:
    path = tmp_path / "hosts"
    path.write_text(HOSTS)
    return HostsFile(str(path))


def test_the_hosts_file_is_parsed_as_the_c_library_reads_it(hosts_file):
    assert [str(a) for a in hosts_file.lookup("localhost")] == ["127.0.0.1", "::1"]
    assert [str(a) for a in hosts_file.lookup("KB-PROBE.internal.")] == ["127.0.0.1"]
    assert [str(a) for a in hosts_file.lookup("docs.example")] == ["192.0.2.10"]
    assert hosts_file.lookup("broken.test") == []
    assert hosts_file.lookup("elsewhere.test") == []


def test_an_edited_hosts_file_is_read_again(hosts_file):
    assert hosts_file.lookup("new.test") == []
    Path(hosts_file.path).write_text(HOSTS + "198.51.100.4 new.test\n")
    assert [str(a) for a in hosts_file.lookup("new.test")] == ["198.51.100.4"]


def test_a_missing_hosts_file_leaves_dns_alone(tmp_path):
    dns = ScriptedDns(answer=["93.184.216.34"])
    resolver = SystemResolver(hosts=HostsFile(str(tmp_path / "absent")), dns_resolver=dns)
    assert resolver.resolve("example.test", timeout=1).source == "DNS"
    assert dns.queries == ["example.test"]


def test_a_listed_name_never_reaches_dns(hosts_file):
    dns = ScriptedDns(error=ResolutionError("DNS must not be asked"))
    resolution = SystemResolver(hosts=hosts_file, dns_resolver=dns).resolve("localhost", timeout=1)
    assert [str(a) for a in resolution.a] == ["127.0.0.1"]
    assert [str(a) for a in resolution.aaaa] == ["::1"]
    assert resolution.source == f"hosts file ({hosts_file.path})"
    assert dns.queries == []


def test_an_unlisted_name_goes_to_dns_and_a_miss_names_both(hosts_file):
    dns = ScriptedDns(error=ResolutionError("NXDOMAIN: gone.test does not exist", kind="nxdomain"))
    with pytest.raises(ResolutionError) as caught:
        SystemResolver(hosts=hosts_file, dns_resolver=dns).resolve("gone.test", timeout=1)
    assert caught.value.kind == "nxdomain"
    assert caught.value.reason == (
        f"NXDOMAIN: gone.test does not exist (not in {hosts_file.path} either)"
    )


def test_the_project_resolver_reads_the_configured_hosts_file_first(settings, hosts_file):
    settings.PROBES_HOSTS_FILE = hosts_file.path
    settings.PROBES_DNS_NAMESERVERS = ["192.0.2.53"]  # never asked: the name is in the file
    resolver = PROJECT_DEFAULT_RESOLVER()
    assert isinstance(resolver, SystemResolver)
    assert isinstance(resolver.dns, DnsResolver)
    assert resolver.resolve("kb-probe.internal", timeout=1).source.startswith("hosts file")


def test_tcp_to_a_name_from_the_hosts_file_connects_and_says_so(
    settings, hosts_file, open_tcp_port
):
    settings.PROBES_HOSTS_FILE = hosts_file.path
    context = ProbeContext(
        policy=Policy.build(networks=LOOPBACK_NETWORKS),
        resolver=PROJECT_DEFAULT_RESOLVER(),
        timeout=2.0,
    )
    result = run_check(spec_from_text(f"tcp://kb-probe.internal:{open_tcp_port}"), context)
    assert result.outcome == Outcome.OK, result.reason
    assert result.details["connected_to"] == "127.0.0.1"
    assert result.details["resolved_by"] == f"hosts file ({hosts_file.path})"


def test_tcp_localhost_with_the_servers_own_hosts_file(settings, open_tcp_port):
    """The review's case: `tcp://localhost:PORT` reported NXDOMAIN and blamed the DNS."""
    settings.PROBES_HOSTS_FILE = "/etc/hosts"
    if not HostsFile("/etc/hosts").lookup("localhost"):
        pytest.skip("this machine's /etc/hosts does not list localhost")
    context = ProbeContext(
        policy=Policy.build(networks=LOOPBACK_NETWORKS),
        resolver=PROJECT_DEFAULT_RESOLVER(),
        timeout=2.0,
    )
    result = run_check(spec_from_text(f"tcp://localhost:{open_tcp_port}"), context)
    assert result.outcome == Outcome.OK, result.reason
    assert result.details["resolved_by"] == "hosts file (/etc/hosts)"
