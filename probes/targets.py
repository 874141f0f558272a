"""What one check points at, parsed and validated before anything is dialled.

Targets come from three places, all reduced here to one TargetSpec:
operator text (`tcp://host:port`, `https://host/path`, `dns:host` …),
checklist rows (Target models with {placeholders}) and the JSON API.
Anything malformed becomes an InvalidSpec carrying the reason: the run
reports it as outcome `invalid` instead of failing.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import quote

from probes.hosts import Host, InvalidTarget, parse_host
from probes.models import PLACEHOLDER_RE, Kind, Target

MAX_TARGET_LENGTH = 2048
DEFAULT_PORTS = {Kind.HTTP: 80, Kind.HTTPS: 443, Kind.TLS: 443}
PORTED_KINDS = (Kind.TCP, Kind.TLS, Kind.UDP, Kind.HTTP, Kind.HTTPS)
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(//)?")
_FINGERPRINT_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class TargetSpec:
    kind: str
    host: Host
    port: int | None = None
    path: str = "/"
    text: str = ""
    expected_issuer: str = ""
    expected_fingerprint: str = ""
    description: str = ""
    target_id: int | None = None
    item_id: int | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def is_valid(self) -> bool:
        return True


@dataclass(frozen=True)
class InvalidSpec:
    text: str
    kind: str
    reason: str
    description: str = ""
    target_id: int | None = None
    item_id: int | None = None

    @property
    def is_valid(self) -> bool:
        return False


def parse_port(raw, *, kind: str) -> int | None:
    if raw in (None, ""):
        if kind in DEFAULT_PORTS:
            return DEFAULT_PORTS[kind]
        if kind in PORTED_KINDS:
            raise InvalidTarget(f"A {kind} check needs a port")
        return None
    if kind not in PORTED_KINDS:
        raise InvalidTarget(f"A {kind} check takes no port")
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 5 or not 1 <= int(text) <= 65535:
        raise InvalidTarget(f"“{raw}” is not a port (1–65535)")
    return int(text)


def normalize_fingerprint(raw: str) -> str:
    value = raw.replace(":", "").replace(" ", "").strip().lower()
    if value and not _FINGERPRINT_RE.match(value):
        raise InvalidTarget("An expected fingerprint is 64 hex digits (SHA-256)")
    return value


def _normalize_path(raw: str) -> str:
    path = raw or "/"
    if not path.startswith("/"):
        path = "/" + path
    # Non-ASCII and spaces are sent percent-encoded; existing escapes stay as they are.
    return quote(path, safe="/?&=%:@!$'()*+,;~-._")


def _check_text(text: str) -> str:
    if not isinstance(text, str):
        raise InvalidTarget("A target is a string")
    if len(text) > MAX_TARGET_LENGTH:
        raise InvalidTarget(f"The target is too long (at most {MAX_TARGET_LENGTH} characters)")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        raise InvalidTarget("The target contains control characters")
    stripped = text.strip()
    if not stripped:
        raise InvalidTarget("The target is empty")
    return stripped


def _split_authority(authority: str, *, kind: str) -> tuple[Host, int | None]:
    if "@" in authority:
        raise InvalidTarget("User names and passwords in a target are not allowed")
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            raise InvalidTarget("An IPv6 address in brackets needs the closing “]”")
        host_text, rest = authority[: end + 1], authority[end + 1 :]
        if rest and not rest.startswith(":"):
            raise InvalidTarget(f"Unexpected “{rest}” after the address")
        port_text = rest[1:] if rest else None
        if rest == ":":
            raise InvalidTarget("The port after “:” is empty")
    elif authority.count(":") == 1:
        host_text, port_text = authority.split(":")
        if port_text == "":
            raise InvalidTarget("The port after “:” is empty")
    else:
        host_text, port_text = authority, None
    return parse_host(host_text), parse_port(port_text, kind=kind)


def parse_target_text(text: str) -> TargetSpec:
    """Parse `tcp://h:p`, `tls://h[:p]`, `udp://h:p`, `http(s)://h[:p]/path`, `dns:h`, `icmp:h`."""
    original = text
    text = _check_text(text)
    match = _SCHEME_RE.match(text)
    if not match:
        raise InvalidTarget(
            "Write the target as tcp://host:port, tls://host:port, udp://host:port, "
            "http(s)://host[:port]/path, dns:host or icmp:host"
        )
    scheme = match.group(1).lower()
    if scheme not in Kind.values:
        raise InvalidTarget(f"Unknown kind of check “{scheme}”")
    rest = text[match.end() :]
    if scheme in (Kind.DNS, Kind.ICMP):
        host = parse_host(rest.rstrip("/"))
        if scheme == Kind.DNS and host.is_ip:
            raise InvalidTarget("A DNS check needs a host name, not an address")
        return TargetSpec(kind=scheme, host=host, text=original)
    if not match.group(2):
        raise InvalidTarget(f"Write {scheme}://host…")
    authority, slash, path = rest.partition("/")
    authority = authority.split("?", 1)[0].split("#", 1)[0]
    if not authority:
        raise InvalidTarget("The host is empty")
    host, port = _split_authority(authority, kind=scheme)
    spec_path = "/"
    if scheme in (Kind.HTTP, Kind.HTTPS):
        spec_path = _normalize_path(slash + path.split("#", 1)[0])
    elif path.strip("/"):
        raise InvalidTarget(f"A {scheme} check has no path")
    return TargetSpec(kind=scheme, host=host, port=port, path=spec_path, text=original)


def fill_placeholders(template: str, params: dict[str, str]) -> str:
    def substitute(match):
        name = match.group(1)
        value = params.get(name, "")
        if not str(value).strip():
            raise InvalidTarget(f"The parameter “{name}” is missing")
        return str(value).strip()

    return PLACEHOLDER_RE.sub(substitute, template or "")


def spec_from_target(
    target: Target, *, params: dict[str, str], description: str = "", item_id=None
) -> TargetSpec | InvalidSpec:
    """A checklist row with the run's parameters filled in."""
    text = target.display
    try:
        host_text = fill_placeholders(target.host, params)
        port_text = fill_placeholders(target.port, params)
        path_text = fill_placeholders(target.path, params)
        text = Target(kind=target.kind, host=host_text, port=port_text, path=path_text).display
        _check_text(text)
        host = parse_host(host_text)
        if target.kind == Kind.DNS and host.is_ip:
            raise InvalidTarget("A DNS check needs a host name, not an address")
        return TargetSpec(
            kind=target.kind,
            host=host,
            port=parse_port(port_text, kind=target.kind),
            path=_normalize_path(path_text),
            text=text,
            expected_issuer=target.expected_issuer.strip(),
            expected_fingerprint=normalize_fingerprint(target.expected_fingerprint),
            description=description or target.description,
            target_id=target.pk,
            item_id=item_id,
        )
    except InvalidTarget as exc:
        return InvalidSpec(
            text=text,
            kind=target.kind,
            reason=str(exc),
            description=description or target.description,
            target_id=target.pk,
            item_id=item_id,
        )


def spec_from_text(text: str) -> TargetSpec | InvalidSpec:
    try:
        return parse_target_text(text)
    except InvalidTarget as exc:
        shown = text if isinstance(text, str) else repr(text)
        kind = shown.split(":", 1)[0].lower() if ":" in shown else ""
        return InvalidSpec(text=shown[:MAX_TARGET_LENGTH], kind=kind[:8], reason=str(exc))
