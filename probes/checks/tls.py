"""`tls`: handshake, verify the chain and the name, and describe the certificate.

A failed verification is the interesting case ("is the HTTPS certificate
replaced?", SDK guide step 4), so the certificate actually presented is still
read and reported: a second handshake to the same checked address, without
verification, fetches it. Nothing from that unverified session is trusted
beyond being displayed.
"""

import hashlib
import ssl
import time
from datetime import UTC, datetime

from cryptography import x509
from cryptography.x509.oid import ExtensionOID

from probes.checks.base import CheckResult, ProbeContext, ms
from probes.guard import Deadline, Dialed, connect_checked, guarded_dial
from probes.hosts import Host
from probes.outcomes import Outcome
from probes.targets import TargetSpec

# OpenSSL X509_V_ERR_* codes worth a plain name.
_EXPIRED = {10: "expired", 9: "not yet valid"}
_UNTRUSTED = {18, 19, 20, 21, 2, 27}
_HOSTNAME_MISMATCH = 62


class TLSFailure(Exception):
    """The handshake or the verification failed; the result is already written."""

    def __init__(self, result: CheckResult):
        super().__init__(result.reason)
        self.result = result


def verifying_context(ca_bundle: str = "") -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca_bundle or None)


def _inspecting_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # only to read what is presented, never to trust it
    return context


def server_hostname(host: Host) -> str:
    return host.name if host.name is not None else str(host.ip)


def _names(name: x509.Name) -> str:
    return name.rfc4514_string()


def certificate_fields(der: bytes) -> dict:
    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
        sans = [str(v) for v in san.get_values_for_type(x509.DNSName)]
        sans += [str(v) for v in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        sans = []
    not_after = cert.not_valid_after_utc
    digest = hashlib.sha256(der).hexdigest().upper()
    return {
        "subject": _names(cert.subject),
        "issuer": _names(cert.issuer),
        "sans": sans,
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": not_after.isoformat(),
        "days_left": (not_after - datetime.now(UTC)).days,
        "sha256": ":".join(digest[i : i + 2] for i in range(0, len(digest), 2)),
        "serial": format(cert.serial_number, "x"),
    }


def _handshake(sock, host: Host, context: ssl.SSLContext, deadline: Deadline) -> ssl.SSLSocket:
    sock.settimeout(deadline.remaining())
    return context.wrap_socket(sock, server_hostname=server_hostname(host))


def _presented_certificate(dialed: Dialed, host: Host, port: int, deadline: Deadline) -> dict:
    """Fetch the certificate from the same checked address, without trusting it."""
    try:
        sock = connect_checked(dialed.address, port, deadline=deadline)
        with _handshake(sock, host, _inspecting_context(), deadline) as tls:
            der = tls.getpeercert(binary_form=True)
        return certificate_fields(der) if der else {}
    except (OSError, ValueError):
        return {}


def _verification_reason(error: ssl.SSLCertVerificationError) -> tuple[str, str]:
    code = error.verify_code
    message = error.verify_message or str(error)
    if code in _EXPIRED:
        return "expired", f"certificate {_EXPIRED[code]}: {message}"
    if code == _HOSTNAME_MISMATCH:
        return "hostname_mismatch", f"certificate is not valid for this name: {message}"
    if code in _UNTRUSTED:
        return (
            "untrusted_issuer",
            f"certificate replaced or intercepted? it is not signed by a trusted CA: {message}",
        )
    return "verification_failed", message


def expectation_mismatch(spec: TargetSpec, fields: dict) -> str:
    """Why the certificate is not the one this target expects, or ''."""
    if spec.expected_fingerprint:
        actual = fields.get("sha256", "").replace(":", "").lower()
        if actual != spec.expected_fingerprint:
            return (
                "certificate replaced or intercepted: SHA-256 fingerprint "
                f"{fields.get('sha256', '?')} is not the expected one"
            )
    if spec.expected_issuer:
        issuer = fields.get("issuer", "")
        if spec.expected_issuer.lower() not in issuer.lower():
            return (
                f"certificate replaced or intercepted: issued by “{issuer}”, "
                f"expected “{spec.expected_issuer}”"
            )
    return ""


def tls_session(
    dialed: Dialed, spec: TargetSpec, context: ProbeContext, deadline: Deadline, timings: dict
) -> tuple[ssl.SSLSocket, dict]:
    """Verify the chain and the name on a dialled socket; raise TLSFailure with the evidence."""
    addresses = [str(a) for a in dialed.addresses]
    started = time.monotonic()
    try:
        tls = _handshake(dialed.sock, spec.host, verifying_context(context.ca_bundle), deadline)
    except ssl.SSLCertVerificationError as exc:
        timings["tls"] = ms((time.monotonic() - started) * 1000)
        problem, reason = _verification_reason(exc)
        details = {
            "problem": problem,
            "verify_error": exc.verify_message or str(exc),
            "certificate": _presented_certificate(dialed, spec.host, spec.port, deadline),
        }
        raise TLSFailure(
            CheckResult(
                Outcome.TLS_ERROR, addresses, timings, details, reason, code=f"tls_{problem}"
            )
        ) from exc
    except ssl.SSLError as exc:
        timings["tls"] = ms((time.monotonic() - started) * 1000)
        reason = f"TLS handshake failed: {exc.reason or exc}"
        raise TLSFailure(
            CheckResult(
                Outcome.TLS_ERROR,
                addresses,
                timings,
                {"problem": "handshake"},
                reason,
                code="tls_handshake",
            )
        ) from exc
    except (ConnectionError, TimeoutError):
        dialed.sock.close()
        raise
    timings["tls"] = ms((time.monotonic() - started) * 1000)
    fields = certificate_fields(tls.getpeercert(binary_form=True))
    info = {"tls_version": tls.version(), "cipher": (tls.cipher() or ("",))[0]}
    mismatch = expectation_mismatch(spec, fields)
    if mismatch:
        tls.close()
        details = {"problem": "unexpected_certificate", "certificate": fields, **info}
        raise TLSFailure(
            CheckResult(
                Outcome.TLS_ERROR,
                addresses,
                timings,
                details,
                mismatch,
                code="tls_unexpected_certificate",
            )
        )
    return tls, {"certificate": fields, **info}


def check_tls(spec: TargetSpec, context: ProbeContext, deadline: Deadline) -> CheckResult:
    dialed = guarded_dial(
        spec.host, spec.port, policy=context.policy, resolver=context.resolver, deadline=deadline
    )
    timings = {"dns": ms(dialed.dns_ms), "connect": ms(dialed.connect_ms)}
    try:
        tls, details = tls_session(dialed, spec, context, deadline, timings)
    except TLSFailure as failure:
        return failure.result
    tls.close()
    details["connected_to"] = str(dialed.address)
    return CheckResult(Outcome.OK, [str(a) for a in dialed.addresses], timings, details)
