"""Probe test fixtures: real servers on loopback, and a net that stops any other traffic.

Every probe test runs with:
- loopback allowed by settings (tests only; the default policy denies it),
- DNS answered by an in-memory table (never the machine's resolver),
- socket connect/sendto refusing any non-loopback address, so a guard bug
  fails a test instead of sending a packet anywhere.
"""

import datetime
import http.server
import ipaddress
import socket
import ssl
import threading
from contextlib import suppress

import pytest
import trustme

from probes import guard
from probes.checks import ProbeContext
from probes.guard import Policy
from tests.probes.resolvers import StaticResolver

LOOPBACK_NETWORKS = ["127.0.0.0/8", "::1/128"]
# Names the tests resolve; every answer is loopback, except where a test says otherwise.
TEST_NAMES = {
    "good.test": ["127.0.0.1"],
    "other.test": ["127.0.0.1"],
    "v6.test": ["::1"],
}


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def only_loopback_traffic(monkeypatch):
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_sendto = socket.socket.sendto

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            assert _is_loopback(address), f"test tried to connect to {address}"
        return real_connect(sock, address)

    def connect_ex(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            assert _is_loopback(address), f"test tried to connect to {address}"
        return real_connect_ex(sock, address)

    def sendto(sock, data, *args):
        address = args[-1]
        assert _is_loopback(address), f"test tried to send to {address}"
        return real_sendto(sock, data, *args)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "sendto", sendto)


@pytest.fixture
def resolver():
    return StaticResolver(TEST_NAMES)


@pytest.fixture(autouse=True)
def test_settings(settings, monkeypatch, resolver):
    settings.PROBES_ALLOWED_NETWORKS = LOOPBACK_NETWORKS
    settings.PROBES_ALLOWED_HOSTS = []
    settings.PROBES_CA_BUNDLE = ""
    settings.PROBES_TIMEOUT = 2.0
    settings.PROBES_RATE_LIMIT = "100/60"
    monkeypatch.setattr(guard, "default_resolver", lambda: resolver)
    return settings


@pytest.fixture
def ca():
    return trustme.CA()


@pytest.fixture
def ca_bundle(ca, tmp_path):
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def context(resolver, ca_bundle):
    return ProbeContext(
        policy=Policy.build(networks=LOOPBACK_NETWORKS),
        resolver=resolver,
        timeout=2.0,
        ca_bundle=ca_bundle,
    )


class _Server:
    """A loopback server on a thread, stopped at teardown."""

    def __init__(self, sock: socket.socket, serve):
        self.sock = sock
        self.port = sock.getsockname()[1]
        self.stopped = threading.Event()
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=serve, args=(self,), daemon=True)
        self.thread.start()

    def stop(self):
        self.stopped.set()
        with suppress(OSError):
            self.sock.close()
        for conn in self.held:
            with suppress(OSError):
                conn.close()


def _listen() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


def _accept_loop(handle):
    def serve(server):
        while not server.stopped.is_set():
            try:
                conn, _ = server.sock.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(server, conn), daemon=True).start()

    return serve


@pytest.fixture
def open_tcp_port():
    def handle(server, conn):
        conn.close()

    server = _Server(_listen(), _accept_loop(handle))
    yield server.port
    server.stop()


@pytest.fixture
def silent_tcp_port():
    """Accepts connections and never says a word."""

    def handle(server, conn):
        server.held.append(conn)

    server = _Server(_listen(), _accept_loop(handle))
    yield server.port
    server.stop()


def free_port(socktype=socket.SOCK_STREAM) -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socktype) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def closed_tcp_port():
    return free_port()


def _tls_server(cert: trustme.LeafCert):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)

    def handle(server, conn):
        with suppress(OSError), context.wrap_socket(conn, server_side=True) as tls:
            tls.settimeout(2)
            with suppress(OSError):
                tls.recv(1)

    server = _Server(_listen(), _accept_loop(handle))
    return server


@pytest.fixture
def tls_server_factory():
    servers = []

    def make(cert):
        server = _tls_server(cert)
        servers.append(server)
        return server.port

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def good_cert(ca):
    return ca.issue_cert("good.test", "127.0.0.1")


@pytest.fixture
def tls_port(tls_server_factory, good_cert):
    return tls_server_factory(good_cert)


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_response(404)
            self.end_headers()
            return
        status, headers = route(self)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    """A loopback HTTP server; tests add routes: path → handler(request) → (status, headers)."""
    routes = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.routes = routes
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def https_server(ca, good_cert):
    routes = {}
    handler = type("Handler", (_Handler,), {"routes": routes})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    good_cert.configure_cert(context)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.routes = routes
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def udp_echo_port():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    stopped = threading.Event()

    def serve():
        while not stopped.is_set():
            try:
                data, peer = sock.recvfrom(65535)
            except OSError:
                return
            with suppress(OSError):
                sock.sendto(data[:64], peer)

    threading.Thread(target=serve, daemon=True).start()
    yield sock.getsockname()[1]
    stopped.set()
    sock.close()


@pytest.fixture
def udp_silent_port():
    """A bound UDP socket that reads nothing and answers nothing (a filtering firewall)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


def expired_cert(ca: trustme.CA, *names: str) -> trustme.LeafCert:
    now = datetime.datetime.now(datetime.UTC)
    return ca.issue_cert(
        *names,
        not_before=now - datetime.timedelta(days=30),
        not_after=now - datetime.timedelta(days=1),
    )
