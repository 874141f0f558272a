import ipaddress

import pytest

from probes.hosts import InvalidTarget, parse_host

LOOPBACK = ipaddress.ip_address("127.0.0.1")


@pytest.mark.parametrize(
    "text",
    [
        "2130706433",
        "0x7f000001",
        "0X7F000001",
        "0177.0.0.1",
        "127.1",
        "127.0.1",
        "0x7f.1",
        "127.0.0.1.",
    ],
)
def test_legacy_ipv4_spellings_are_the_address_they_denote(text):
    host = parse_host(text)
    assert host.ip == LOOPBACK
    assert host.name is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.0.0.0", "0.0.0.0"),
        ("0", "0.0.0.0"),
        ("[::]", "::"),
        ("::", "::"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("[::1]", "::1"),
        ("169.254.169.254", "169.254.169.254"),
        ("0xa9fea9fe", "169.254.169.254"),
    ],
)
def test_addresses_parse_exactly(text, expected):
    assert parse_host(text).ip == ipaddress.ip_address(expected)


def test_names_are_lowercased_idna_without_trailing_dot():
    assert parse_host("Conn.WeMeet.Tencent.com.").name == "conn.wemeet.tencent.com"
    assert parse_host("例子.测试").name == "xn--fsqu00a.xn--0zwm56d"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a" * 300, "too long"),
        ("exa mple.com", "spaces or control"),
        ("example.com\r\nX: y", "spaces or control"),
        ("1.2.3.4.5", "neither"),
        ("256.1.1.1", "out of range"),
        ("08.1.1.1", "octal"),
        ("[::1", "closing"),
        ("[fe80::1%eth0]", "zone"),
        ("user@host", "characters"),
        ("host/path", "characters"),
        ("-bad-.com", "bad label"),
        ("a..b", "not a valid host name"),
    ],
)
def test_invalid_hosts_say_why(text, reason):
    with pytest.raises(InvalidTarget, match=reason):
        parse_host(text)
