"""Strict host parsing: a host is a DNS name or exactly one IP address, never something in between.

Resolvers and browsers accept legacy IPv4 spellings (inet_aton): "2130706433",
"0x7f000001", "0177.0.0.1" and "127.1" all mean 127.0.0.1. If we treated those as
names, the guard would ask DNS about them while the socket layer would happily
dial loopback. So every spelling that ends in a number is parsed here the way
the WHATWG URL standard (and inet_aton) does, and becomes the address it denotes.
"""

import ipaddress
import re
from dataclasses import dataclass

MAX_HOST_LENGTH = 253
_LABEL_RE = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_NUMBER_PART_RE = re.compile(r"^(?:0[xX][0-9a-fA-F]*|[0-9]+)$")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class InvalidTarget(ValueError):
    """The target cannot be checked as written; the message says why, for the operator."""


@dataclass(frozen=True)
class Host:
    name: str | None = None
    ip: IPAddress | None = None

    def __str__(self) -> str:
        return self.name if self.name is not None else str(self.ip)

    @property
    def is_ip(self) -> bool:
        return self.ip is not None

    @property
    def url_form(self) -> str:
        """As written in a URL or a Host header: IPv6 in brackets."""
        if self.ip is not None and self.ip.version == 6:
            return f"[{self.ip}]"
        return str(self)


def _parse_ipv4_number(part: str) -> int:
    if part[:2] in ("0x", "0X"):
        digits = part[2:]
        return int(digits, 16) if digits else 0
    if len(part) > 1 and part.startswith("0"):
        try:
            return int(part, 8)
        except ValueError as exc:
            raise InvalidTarget(f"“{part}” is not a valid octal number in an IPv4 address") from exc
    return int(part)


def parse_legacy_ipv4(text: str) -> ipaddress.IPv4Address | None:
    """The address an IPv4 spelling denotes, or None when the text does not end in a number.

    Raises InvalidTarget for text that ends in a number but is no valid address
    (e.g. "1.2.3.4.5", "256.1.1.1"), as a browser would.
    """
    parts = text.split(".")
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if not parts or not _NUMBER_PART_RE.match(parts[-1]):
        return None
    if len(parts) > 4 or not all(_NUMBER_PART_RE.match(p) for p in parts):
        raise InvalidTarget(f"“{text}” is neither a valid IPv4 address nor a host name")
    numbers = [_parse_ipv4_number(p) for p in parts]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise InvalidTarget(f"“{text}” is out of range for an IPv4 address")
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _parse_ipv6(text: str) -> ipaddress.IPv6Address:
    if "%" in text:
        raise InvalidTarget("IPv6 zone identifiers (%…) are not allowed")
    try:
        return ipaddress.IPv6Address(text)
    except ValueError as exc:
        raise InvalidTarget(f"“{text}” is not a valid IPv6 address") from exc


def _parse_name(text: str) -> str:
    try:
        ascii_name = text.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise InvalidTarget(f"“{text}” is not a valid host name") from exc
    ascii_name = ascii_name.removesuffix(".")
    if not ascii_name or len(ascii_name) > MAX_HOST_LENGTH:
        raise InvalidTarget("A host name has 1 to 253 characters")
    for label in ascii_name.split("."):
        if not _LABEL_RE.match(label):
            raise InvalidTarget(f"“{text}” is not a valid host name (bad label “{label}”)")
    return ascii_name


def parse_host(raw: str) -> Host:
    """Parse what an operator typed as a host; raise InvalidTarget with a clear reason."""
    if raw is None:
        raise InvalidTarget("The host is empty")
    text = raw.strip()
    if not text:
        raise InvalidTarget("The host is empty")
    if len(text) > MAX_HOST_LENGTH + 2:
        raise InvalidTarget("The host is too long (at most 253 characters)")
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in text):
        raise InvalidTarget("The host contains spaces or control characters")
    if text.startswith("["):
        if not text.endswith("]"):
            raise InvalidTarget("An IPv6 address in brackets needs the closing “]”")
        return Host(ip=_parse_ipv6(text[1:-1]))
    if ":" in text:
        return Host(ip=_parse_ipv6(text))
    if any(ch in text for ch in "/\\@?#%[]{}<>\"'`|^"):
        raise InvalidTarget(f"“{text}” contains characters a host cannot hold")
    ipv4 = parse_legacy_ipv4(text)
    if ipv4 is not None:
        return Host(ip=ipv4)
    return Host(name=_parse_name(text))
