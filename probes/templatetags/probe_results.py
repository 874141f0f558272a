"""Filters that word a stored probe result for the reader: meaning, reason, details."""

from django import template
from django.utils.translation import gettext_lazy as _

from probes import explain, technical_words
from probes.outcomes import Outcome, is_failure

register = template.Library()

# Timing phases in the order a check goes through them.
PHASES = {
    "dns": _("DNS lookup"),
    "connect": _("TCP connect"),
    "tls": _("TLS handshake"),
    "first_byte": _("first byte"),
    "reply": _("reply"),
    "total": _("total"),
}
# Detail keys worth a label; the rest are shown under their own (technical) names.
LABELS = {
    "resolved_by": _("Resolved by"),
    "connected_to": _("Connected to"),
    "port": _("Port"),
    "status": _("HTTP status"),
    "url": _("URL"),
    "redirects": _("Redirects"),
    "server": _("Server"),
    "tls_version": _("TLS version"),
    "cipher": _("Cipher"),
    "state": _("State"),
    "policy": _("Policy"),
    "a": _("A records"),
    "aaaa": _("AAAA records"),
    "not_public": _("Not public"),
    "verify_error": _("Verification error"),
    "reason": _("Technical message"),
    "subject": _("Subject"),
    "issuer": _("Issuer"),
    "sans": _("Names (SAN)"),
    "not_before": _("Valid from"),
    "not_after": _("Valid until"),
    "days_left": _("Days left"),
    "sha256": _("SHA-256 fingerprint"),
    "serial": _("Serial number"),
    "hops": _("Redirect hops"),
}
_HOSTS_FILE_SOURCE = _("hosts file (%(path)s)")
# Stored for the wording, not for reading.
_HIDDEN = {"reason_code", "reason_params", "problem", "resolver", "certificate"}


def _source(value: str) -> str:
    """ "hosts file (/etc/hosts), DNS", as the resolver named it, in the reader's language."""
    parts = []
    for part in str(value).split(", "):
        if part.startswith("hosts file (") and part.endswith(")"):
            part = str(_HOSTS_FILE_SOURCE) % {"path": part[len("hosts file (") : -1]}
        parts.append(part)
    return ", ".join(parts)


def _worded(label: str, value):
    """A detail whose stored text is the resolver's or the policy's, in the reader's language."""
    if label == LABELS["resolved_by"]:
        return _source(value)
    if label == LABELS["policy"]:
        return technical_words.policy_reason(str(value))
    return value


@register.filter
def meaning(result) -> str:
    return explain.explanation(result.outcome)


@register.filter
def reason(result) -> str:
    """The reason in the reader's language; empty when the outcome says it all."""
    return explain.reason_text(result.details or {}, outcome=result.outcome)


@register.filter
def is_failed(result) -> bool:
    return bool(result.outcome) and is_failure(result.outcome)


@register.filter
def phases(result) -> list[tuple[str, float]]:
    timings = result.timings_ms or {}
    return [(PHASES[key], timings[key]) for key in PHASES if key in timings]


@register.filter
def detail_rows(result) -> list[tuple[str, object]]:
    """(label, value) of the details worth showing, certificate fields included."""
    details = result.details or {}
    # Without a code, the technical message is already the row's reason line, unless
    # that line had to word an invalid target's unknown text generically.
    hidden = _HIDDEN if details.get("reason_code") else {*_HIDDEN, "reason"}
    if result.outcome == Outcome.INVALID and not technical_words.is_worded(
        details.get("reason", "")
    ):
        hidden = hidden - {"reason"}
    if details.get("policy") and details.get("reason") == details["policy"]:
        hidden = {*hidden, "reason"}  # a blocked row's reason repeats its policy
    rows = [
        (LABELS.get(key, key), value)
        for key, value in details.items()
        if key not in hidden and value not in ("", None, [], {})
    ]
    rows = [(label, _worded(label, value)) for label, value in rows]
    certificate = details.get("certificate") or {}
    rows += [(LABELS.get(key, key), value) for key, value in certificate.items() if value != ""]
    return rows
