"""The guard's decisions, tested without connecting anywhere (injected resolver)."""

import ipaddress

import pytest

from probes.guard import Blocked, Deadline, Policy, canonical, guarded_dial, resolve_checked
from probes.hosts import parse_host
from tests.probes.resolvers import StaticResolver

DEFAULT = Policy.build()  # what production gets with no allowlist configured


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("10.1.2.3", "RFC 1918"),
        ("172.16.0.1", "RFC 1918"),
        ("172.31.255.254", "RFC 1918"),
        ("192.168.1.1", "RFC 1918"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.127.255.254", "carrier-grade NAT"),
        ("169.254.169.254", "metadata"),
        ("169.254.1.1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "broadcast"),
        ("192.0.2.10", "documentation"),
        ("198.51.100.7", "documentation"),
        ("203.0.113.1", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fc00::1", "unique local"),
        ("fd12:3456::1", "unique local"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "documentation"),
        ("::ffff:127.0.0.1", "IPv4-mapped"),
        ("::ffff:10.0.0.1", "IPv4-mapped"),
        ("::ffff:169.254.169.254", "IPv4-mapped"),
        ("64:ff9b::7f00:1", "embedding 127.0.0.1"),
        ("2002:7f00:1::1", "embedding 127.0.0.1"),
        ("::127.0.0.1", "IPv4-compatible"),
    ],
)
def test_denied_addresses_name_the_reason(address, reason):
    assert reason in DEFAULT.denial_reason(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "17.253.144.10", "2606:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert DEFAULT.denial_reason(ipaddress.ip_address(address)) is None


def test_ipv4_mapped_embedding_a_public_address_is_still_flagged_as_mapped():
    reason = DEFAULT.denial_reason(ipaddress.ip_address("::ffff:93.184.216.34"))
    assert "IPv4-mapped" in reason and "93.184.216.34" in reason


@pytest.mark.parametrize(
    "text",
    ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0.0.0.0", "[::]", "[::ffff:127.0.0.1]"],
)
def test_classic_bypass_spellings_are_blocked_without_any_lookup(text):
    resolver = StaticResolver({})
    with pytest.raises(Blocked):
        resolve_checked(parse_host(text), policy=DEFAULT, resolver=resolver, deadline=Deadline(1))
    assert resolver.queries == []  # an address is never sent to DNS as if it were a name


def test_a_name_with_one_private_answer_among_public_ones_is_blocked():
    resolver = StaticResolver({"mixed.test": ["93.184.216.34", "10.0.0.5", "2606:4700::1111"]})
    with pytest.raises(Blocked) as caught:
        resolve_checked(
            parse_host("mixed.test"), policy=DEFAULT, resolver=resolver, deadline=Deadline(1)
        )
    assert "10.0.0.5" in caught.value.reason
    assert "RFC 1918" in caught.value.reason
    assert caught.value.addresses == ["93.184.216.34", "10.0.0.5", "2606:4700::1111"]


def test_the_name_is_resolved_once_and_the_checked_address_is_dialled(monkeypatch):
    resolver = StaticResolver({"public.test": ["93.184.216.34"]})
    dialled = []
    monkeypatch.setattr(
        "probes.guard.connect_checked",
        lambda ip, port, **kw: dialled.append((ip, port)) or _FakeSocket(),
    )
    result = guarded_dial(
        parse_host("public.test"), 443, policy=DEFAULT, resolver=resolver, deadline=Deadline(1)
    )
    assert resolver.queries == ["public.test"]
    assert dialled == [(ipaddress.ip_address("93.184.216.34"), 443)]
    assert str(result.address) == "93.184.216.34"


class _FakeSocket:
    def close(self):
        pass


def test_allowed_networks_open_a_denied_range():
    policy = Policy.build(networks=["10.20.0.0/16"])
    assert policy.denial_reason(ipaddress.ip_address("10.20.3.4")) is None
    assert policy.denial_reason(ipaddress.ip_address("10.21.0.1")) is not None
    assert policy.denial_reason(ipaddress.ip_address("::ffff:10.20.3.4")) is None


def test_allowed_hosts_trust_the_name_and_its_subdomains():
    policy = Policy.build(hosts=["im.corp.test", "*.internal.test"])
    private = [ipaddress.ip_address("10.0.0.8")]
    assert policy.check(parse_host("im.corp.test"), private) == private
    assert policy.check(parse_host("a.b.internal.test"), private) == private
    with pytest.raises(Blocked):
        policy.check(parse_host("other.corp.test"), private)
    with pytest.raises(Blocked):  # an address is not a name on the list
        policy.check(parse_host("10.0.0.8"), private)


def test_policy_reads_the_allowlists_from_settings(settings):
    settings.PROBES_ALLOWED_NETWORKS = ["192.168.5.0/24"]
    settings.PROBES_ALLOWED_HOSTS = ["push.corp.test"]
    policy = Policy.from_settings()
    assert policy.denial_reason(ipaddress.ip_address("192.168.5.9")) is None
    assert policy.host_is_allowed(parse_host("PUSH.corp.test"))


def test_default_settings_allow_no_private_network(monkeypatch):
    """Loopback is allowed by the test settings only: the project default allows nothing."""
    import importlib

    import kbsite.settings as project_settings

    for name in ("PROBES_ALLOWED_NETWORKS", "PROBES_ALLOWED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    defaults = importlib.reload(project_settings)
    assert defaults.PROBES_ALLOWED_NETWORKS == []
    assert defaults.PROBES_ALLOWED_HOSTS == []
    policy = Policy.build(networks=defaults.PROBES_ALLOWED_NETWORKS)
    assert policy.denial_reason(ipaddress.ip_address("127.0.0.1")) == "loopback address"


# --- embedded IPv4 forms: canonicalised first, then denied, then allowed (issue 14, item 6) ---


@pytest.mark.parametrize(
    ("address", "embedded"),
    [
        ("::ffff:127.0.0.1", "127.0.0.1"),  # IPv4-mapped
        ("::ffff:0:7f00:1", "127.0.0.1"),  # IPv4-translated (SIIT)
        ("::127.0.0.1", "127.0.0.1"),  # deprecated IPv4-compatible
        ("64:ff9b::a00:1", "10.0.0.1"),  # NAT64 well-known prefix
        ("2002:a9fe:a9fe::1", "169.254.169.254"),  # 6to4
    ],
)
def test_each_embedded_form_is_judged_as_the_ipv4_address_it_carries(address, embedded):
    ip = ipaddress.ip_address(address)
    assert canonical(ip) == ipaddress.ip_address(embedded)
    assert embedded in DEFAULT.denial_reason(ip)


@pytest.mark.parametrize(
    "address", ["::ffff:127.0.0.1", "::ffff:0:7f00:1", "::127.0.0.1", "64:ff9b::7f00:1"]
)
def test_an_allowed_ipv6_range_does_not_admit_a_wrapped_loopback(address):
    """With PROBES_ALLOWED_NETWORKS=::/0, [::ffff:127.0.0.1] used to reach 127.0.0.1."""
    every_v6 = Policy.build(networks=["::/0"])
    assert "127.0.0.1" in every_v6.denial_reason(ipaddress.ip_address(address))
    with pytest.raises(Blocked):
        resolve_checked(
            parse_host(f"[{address}]"),
            policy=every_v6,
            resolver=StaticResolver(),
            deadline=Deadline(1),
        )


def test_a_name_resolving_to_a_wrapped_loopback_is_blocked_under_an_allowed_v6_range():
    resolver = StaticResolver({"wrapped.test": ["::ffff:0:7f00:1"]})
    with pytest.raises(Blocked) as caught:
        resolve_checked(
            parse_host("wrapped.test"),
            policy=Policy.build(networks=["::/0"]),
            resolver=resolver,
            deadline=Deadline(1),
        )
    assert "IPv4-translated" in caught.value.reason and "loopback" in caught.value.reason


def test_the_ipv4_translated_range_is_denied_even_around_a_public_address():
    reason = DEFAULT.denial_reason(ipaddress.ip_address("::ffff:0:5db8:d822"))
    assert reason.startswith("IPv4-translated") and "93.184.216.34" in reason


def test_gateway_forms_of_a_public_address_stay_reachable():
    # DNS64 answers and 6to4 hosts are ordinary public destinations.
    for address in ("64:ff9b::5db8:d822", "2002:5db8:d822::1"):
        assert DEFAULT.denial_reason(ipaddress.ip_address(address)) is None


def test_an_allowed_ipv4_network_admits_its_wrapped_forms():
    policy = Policy.build(networks=["127.0.0.0/8"])
    for address in ("::ffff:127.0.0.1", "::ffff:0:7f00:1", "64:ff9b::7f00:1"):
        assert policy.denial_reason(ipaddress.ip_address(address)) is None
