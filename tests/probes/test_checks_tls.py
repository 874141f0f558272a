import hashlib
import ssl

import trustme

from probes.checks import run_check
from probes.models import Target
from probes.outcomes import Outcome
from probes.targets import spec_from_target, spec_from_text
from tests.probes.conftest import expired_cert


def test_valid_certificate_reports_its_fields(context, tls_port, good_cert):
    result = run_check(spec_from_text(f"tls://good.test:{tls_port}"), context)
    assert result.outcome == Outcome.OK, result.reason
    cert = result.details["certificate"]
    assert "good.test" in cert["sans"] and "127.0.0.1" in cert["sans"]
    assert cert["days_left"] > 0
    assert "trustme" in cert["issuer"].lower()
    der = ssl.PEM_cert_to_DER_cert(good_cert.cert_chain_pems[0].bytes().decode())
    assert cert["sha256"].replace(":", "").lower() == hashlib.sha256(der).hexdigest()
    assert result.details["tls_version"].startswith("TLSv1")
    assert set(result.timings_ms) >= {"dns", "connect", "tls", "total"}


def test_certificate_from_another_ca_is_reported_as_replaced(context, tls_server_factory):
    intruder = trustme.CA(organization_name="Intercepting Proxy Inc")
    port = tls_server_factory(intruder.issue_cert("good.test"))
    result = run_check(spec_from_text(f"tls://good.test:{port}"), context)
    assert result.outcome == Outcome.TLS_ERROR
    assert result.details["problem"] == "untrusted_issuer"
    assert "replaced or intercepted" in result.reason
    # The certificate actually presented is still described.
    assert "Intercepting Proxy Inc" in result.details["certificate"]["issuer"]


def test_wrong_hostname_is_a_tls_error(context, tls_port):
    result = run_check(spec_from_text(f"tls://other.test:{tls_port}"), context)
    assert result.outcome == Outcome.TLS_ERROR
    assert result.details["problem"] == "hostname_mismatch"
    assert "good.test" in result.details["certificate"]["sans"]


def test_expired_certificate_is_a_tls_error_with_its_dates(context, tls_server_factory, ca):
    port = tls_server_factory(expired_cert(ca, "good.test"))
    result = run_check(spec_from_text(f"tls://good.test:{port}"), context)
    assert result.outcome == Outcome.TLS_ERROR
    assert result.details["problem"] == "expired"
    assert result.details["certificate"]["days_left"] < 0


def test_expected_issuer_mismatch_is_detected_on_a_valid_chain(context, tls_port):
    target = Target(kind="tls", host="good.test", port=str(tls_port), expected_issuer="DigiCert")
    result = run_check(spec_from_target(target, params={}), context)
    assert result.outcome == Outcome.TLS_ERROR
    assert result.details["problem"] == "unexpected_certificate"
    assert "expected “DigiCert”" in result.reason


def test_expected_fingerprint_match_and_mismatch(context, tls_port, good_cert):
    der = ssl.PEM_cert_to_DER_cert(good_cert.cert_chain_pems[0].bytes().decode())
    right = hashlib.sha256(der).hexdigest()
    target = Target(kind="tls", host="good.test", port=str(tls_port), expected_fingerprint=right)
    assert run_check(spec_from_target(target, params={}), context).outcome == Outcome.OK
    target.expected_fingerprint = "00" * 32
    result = run_check(spec_from_target(target, params={}), context)
    assert result.outcome == Outcome.TLS_ERROR
    assert "fingerprint" in result.reason


def test_system_store_does_not_trust_a_private_ca(context, tls_port):
    context.ca_bundle = ""
    result = run_check(spec_from_text(f"tls://good.test:{tls_port}"), context)
    assert result.outcome == Outcome.TLS_ERROR


def test_silent_server_times_out_during_the_handshake(context, silent_tcp_port):
    context.timeout = 0.5
    result = run_check(spec_from_text(f"tls://good.test:{silent_tcp_port}"), context)
    assert result.outcome == Outcome.TIMEOUT
