"""`http` / `https`: status, redirects and the time of each phase.

http.client runs over a socket the guard dialled, so no library ever resolves
the name again; every redirect hop goes back through the guard, which is how a
redirect to 169.254.169.254 is caught.
"""

import http.client
import time
from urllib.parse import urljoin

from probes.checks.base import CheckResult, ProbeContext, ms
from probes.checks.tls import TLSFailure, tls_session
from probes.guard import Blocked, Deadline, guarded_dial
from probes.hosts import InvalidTarget
from probes.models import Kind
from probes.outcomes import Outcome
from probes.targets import DEFAULT_PORTS, TargetSpec, parse_target_text

USER_AGENT = "kbsite-probe/1.0"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


def url_of(spec: TargetSpec) -> str:
    port = "" if spec.port == DEFAULT_PORTS[spec.kind] else f":{spec.port}"
    return f"{spec.kind}://{spec.host.url_form}{port}{spec.path}"


def _request(spec: TargetSpec, sock, deadline: Deadline) -> http.client.HTTPResponse:
    connection_class = (
        http.client.HTTPSConnection if spec.kind == Kind.HTTPS else http.client.HTTPConnection
    )
    # The host given here only writes the Host header: the socket is already connected.
    host = spec.host.name if spec.host.name is not None else str(spec.host.ip)
    connection = connection_class(host, spec.port, timeout=deadline.remaining())
    connection.sock = sock
    sock.settimeout(deadline.remaining())
    connection.request(
        "GET",
        spec.path,
        headers={"User-Agent": USER_AGENT, "Accept": "*/*", "Connection": "close"},
    )
    return connection.getresponse()


def _next_hop(current: TargetSpec, location: str) -> TargetSpec:
    target = urljoin(url_of(current), location.strip())
    spec = parse_target_text(target)
    if spec.kind not in (Kind.HTTP, Kind.HTTPS):
        raise InvalidTarget(f"redirect to an unsupported scheme: {target}")
    return spec


def check_http(spec: TargetSpec, context: ProbeContext, deadline: Deadline) -> CheckResult:
    hops: list[dict] = []
    addresses: list[str] = []
    current = spec
    while True:
        try:
            dialed = guarded_dial(
                current.host,
                current.port,
                policy=context.policy,
                resolver=context.resolver,
                deadline=deadline,
            )
        except Blocked as exc:
            if not hops:
                raise
            raise Blocked(f"redirect #{len(hops)} to {url_of(current)}: {exc.reason}") from exc
        addresses = [str(a) for a in dialed.addresses]
        timings = {"dns": ms(dialed.dns_ms), "connect": ms(dialed.connect_ms)}
        sock, tls_details = dialed.sock, {}
        if current.kind == Kind.HTTPS:
            try:
                sock, tls_details = tls_session(dialed, current, context, deadline, timings)
            except TLSFailure as failure:
                failure.result.details["hops"] = hops
                failure.result.details["url"] = url_of(current)
                return failure.result
        started = time.monotonic()
        try:
            response = _request(current, sock, deadline)
            timings["first_byte"] = ms((time.monotonic() - started) * 1000)
            status, reason = response.status, response.reason
            location = response.getheader("Location")
            server = response.getheader("Server", "")
        except http.client.HTTPException as exc:
            sock.close()
            detail = {"url": url_of(current), "hops": hops}
            why = f"not a valid HTTP answer: {exc.__class__.__name__} {exc}".strip()
            return CheckResult(
                Outcome.HTTP_ERROR, addresses, timings, detail, why, code="http_invalid"
            )
        finally:
            sock.close()
        hop = {"url": url_of(current), "status": status, "address": str(dialed.address)}
        hops.append(hop)
        if status in REDIRECT_STATUSES and location:
            if len(hops) > context.max_redirects:
                return CheckResult(
                    Outcome.HTTP_ERROR,
                    addresses,
                    timings,
                    {"status": status, "hops": hops},
                    f"more than {context.max_redirects} redirects",
                    code="http_redirects",
                    params={"limit": context.max_redirects},
                )
            try:
                current = _next_hop(current, location)
            except InvalidTarget as exc:
                detail = {"status": status, "hops": hops, "location": location[:500]}
                return CheckResult(Outcome.HTTP_ERROR, addresses, timings, detail, str(exc))
            continue
        details = {
            "status": status,
            "reason": reason,
            "url": url_of(current),
            "redirects": len(hops) - 1,
            "hops": hops,
            "server": server[:200],
            **tls_details,
        }
        if status >= 400:
            why = f"HTTP {status} {reason}"
            return CheckResult(
                Outcome.HTTP_ERROR,
                addresses,
                timings,
                details,
                why,
                code="http_status",
                params={"status": status},
            )
        return CheckResult(Outcome.OK, addresses, timings, details)
