"""The reader's-language wording of the technical text an invalid or blocked result keeps.

The target parser (targets.py, hosts.py) and the address policy (guard.py) explain
themselves in English for the operator's log; a result stores that text as it was.
A reader is shown it worded here at display time, in their own language, so a stored
row reads the same for everyone whatever language the run was started in. Text none
of these patterns knows (a future message) is shown under a translated lead-in and
the original kept in the folded details, never as a bare English sentence.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Why a target cannot be checked as written: the parser's sentences, as patterns.
INVALID = [
    (r"A (?P<kind>\w+) check needs a port", gettext_lazy("A %(kind)s check needs a port.")),
    (r"A (?P<kind>\w+) check takes no port", gettext_lazy("A %(kind)s check takes no port.")),
    (r"A (?P<kind>\w+) check has no path", gettext_lazy("A %(kind)s check has no path.")),
    (
        r"“(?P<value>.*)” is not a port \(1–65535\)",
        gettext_lazy("“%(value)s” is not a port (1–65535)."),
    ),
    (
        r"An expected fingerprint is 64 hex digits \(SHA-256\)",
        gettext_lazy("An expected fingerprint is 64 hex digits (SHA-256)."),
    ),
    (r"A target is a string", gettext_lazy("A target is a string.")),
    (
        r"The target is too long \(at most (?P<limit>\d+) characters\)",
        gettext_lazy("The target is too long (at most %(limit)s characters)."),
    ),
    (
        r"The target contains control characters",
        gettext_lazy("The target contains control characters."),
    ),
    (r"The target is empty", gettext_lazy("The target is empty.")),
    (
        r"User names and passwords in a target are not allowed",
        gettext_lazy("User names and passwords in a target are not allowed."),
    ),
    (
        r"An IPv6 address in brackets needs the closing “\]”",
        gettext_lazy("An IPv6 address in brackets needs the closing “]”."),
    ),
    (
        r"Unexpected “(?P<value>.*)” after the address",
        gettext_lazy("Unexpected “%(value)s” after the address."),
    ),
    (r"The port after “:” is empty", gettext_lazy("The port after “:” is empty.")),
    (
        r"Write the target as tcp://host:port, .*",
        gettext_lazy(
            "Write the target as tcp://host:port, tls://host:port, udp://host:port, "
            "http(s)://host[:port]/path, dns:host or icmp:host."
        ),
    ),
    (r"Unknown kind of check “(?P<value>.*)”", gettext_lazy("Unknown kind of check “%(value)s”.")),
    (
        r"A DNS check needs a host name, not an address",
        gettext_lazy("A DNS check needs a host name, not an address."),
    ),
    (r"Write (?P<kind>\w+)://host…", gettext_lazy("Write %(kind)s://host….")),
    (r"The host is empty", gettext_lazy("The host is empty.")),
    (
        r"The parameter “(?P<value>.*)” is missing",
        gettext_lazy("The parameter “%(value)s” is missing."),
    ),
    (
        r"“(?P<value>.*)” is not a valid octal number in an IPv4 address",
        gettext_lazy("“%(value)s” is not a valid octal number in an IPv4 address."),
    ),
    (
        r"“(?P<value>.*)” is neither a valid IPv4 address nor a host name",
        gettext_lazy("“%(value)s” is neither a valid IPv4 address nor a host name."),
    ),
    (
        r"“(?P<value>.*)” is out of range for an IPv4 address",
        gettext_lazy("“%(value)s” is out of range for an IPv4 address."),
    ),
    (
        r"IPv6 zone identifiers \(%…\) are not allowed",
        gettext_lazy("IPv6 zone identifiers (%…) are not allowed."),
    ),
    (
        r"“(?P<value>.*)” is not a valid IPv6 address",
        gettext_lazy("“%(value)s” is not a valid IPv6 address."),
    ),
    (
        r"“(?P<value>.*)” is not a valid host name \(bad label “(?P<label>.*)”\)",
        gettext_lazy("“%(value)s” is not a valid host name (bad label “%(label)s”)."),
    ),
    (
        r"“(?P<value>.*)” is not a valid host name",
        gettext_lazy("“%(value)s” is not a valid host name."),
    ),
    (r"A host name has 1 to 253 characters", gettext_lazy("A host name has 1 to 253 characters.")),
    (
        r"The host is too long \(at most 253 characters\)",
        gettext_lazy("The host is too long (at most 253 characters)."),
    ),
    (
        r"The host contains spaces or control characters",
        gettext_lazy("The host contains spaces or control characters."),
    ),
    (
        r"“(?P<value>.*)” contains characters a host cannot hold",
        gettext_lazy("“%(value)s” contains characters a host cannot hold."),
    ),
    (r"the target was deleted", gettext_lazy("The target was deleted after the run was started.")),
]
INVALID = [(re.compile(rf"^{pattern}\.?$", re.S), text) for pattern, text in INVALID]
_INVALID_UNKNOWN = gettext_lazy("The target cannot be checked as written (see the details).")

# Why the policy refuses an address: guard.py's labels, word for word.
POLICY_LABELS = {
    "unspecified / “this network” address": gettext_lazy("unspecified / “this network” address"),
    "loopback address": gettext_lazy("loopback address"),
    "private address (RFC 1918)": gettext_lazy("private address (RFC 1918)"),
    "carrier-grade NAT shared address (RFC 6598)": gettext_lazy(
        "carrier-grade NAT shared address (RFC 6598)"
    ),
    "cloud metadata service (link-local)": gettext_lazy("cloud metadata service (link-local)"),
    "link-local address": gettext_lazy("link-local address"),
    "IETF protocol assignment (reserved)": gettext_lazy("IETF protocol assignment (reserved)"),
    "documentation address (TEST-NET-1)": gettext_lazy("documentation address (TEST-NET-1)"),
    "documentation address (TEST-NET-2)": gettext_lazy("documentation address (TEST-NET-2)"),
    "documentation address (TEST-NET-3)": gettext_lazy("documentation address (TEST-NET-3)"),
    "benchmarking address (RFC 2544)": gettext_lazy("benchmarking address (RFC 2544)"),
    "deprecated 6to4 relay anycast address": gettext_lazy("deprecated 6to4 relay anycast address"),
    "multicast address": gettext_lazy("multicast address"),
    "broadcast address": gettext_lazy("broadcast address"),
    "reserved address (240/4)": gettext_lazy("reserved address (240/4)"),
    "unspecified address": gettext_lazy("unspecified address"),
    "local-use NAT64 address": gettext_lazy("local-use NAT64 address"),
    "discard-only address": gettext_lazy("discard-only address"),
    "documentation address": gettext_lazy("documentation address"),
    "benchmarking address": gettext_lazy("benchmarking address"),
    "Teredo tunnel address": gettext_lazy("Teredo tunnel address"),
    "unique local address (ULA)": gettext_lazy("unique local address (ULA)"),
    "deprecated site-local address": gettext_lazy("deprecated site-local address"),
    "reserved address (not globally routable)": gettext_lazy(
        "reserved address (not globally routable)"
    ),
}
# "127.0.0.1: loopback address" or "name → 127.0.0.1: loopback address".
_POLICY = re.compile(r"^(?P<where>.+?): (?P<label>[^:]+)$", re.S)


def invalid_reason(text: str) -> str:
    """The parser's reason in the reader's language; a translated lead-in if unknown."""
    text = (text or "").strip()
    for pattern, wording in INVALID:
        match = pattern.match(text)
        if match:
            return str(wording) % match.groupdict() if match.groupdict() else str(wording)
    return str(_INVALID_UNKNOWN)


def is_worded(text: str) -> bool:
    """Whether invalid_reason knows this text (else the original stays in the details)."""
    return any(pattern.match((text or "").strip()) for pattern, _wording in INVALID)


def policy_reason(text: str) -> str:
    """“127.0.0.1: loopback address” with the label in the reader's language.

    Labels guard.py builds from parts (an address embedded in another) stay as written.
    """
    match = _POLICY.match(text or "")
    if match and match.group("label") in POLICY_LABELS:
        label = POLICY_LABELS[match.group("label")]
        return _("%(address)s: %(why)s") % {"address": match.group("where"), "why": label}
    return text or ""
