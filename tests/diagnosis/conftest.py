"""Diagnosis test fixtures: users, small flows, and loopback-only probe traffic."""

import ipaddress
import socket
import threading
from contextlib import suppress

import pytest

from diagnosis.models import Branch, Flow, Step
from issues.models import Product
from probes import guard
from tests.probes.factories import make_prober
from tests.probes.resolvers import StaticResolver

LOOPBACK_NETWORKS = ["127.0.0.0/8", "::1/128"]


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture
def loopback_only(monkeypatch, settings):
    """Probes may dial loopback (allowed by settings here only) and nothing else."""
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
        assert _is_loopback(args[-1]), f"test tried to send to {args[-1]}"
        return real_sendto(sock, data, *args)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket.socket, "sendto", sendto)
    settings.PROBES_ALLOWED_NETWORKS = LOOPBACK_NETWORKS
    settings.PROBES_ALLOWED_HOSTS = []
    settings.PROBES_TIMEOUT = 2.0
    settings.PROBES_RATE_LIMIT = "100/60"


@pytest.fixture
def resolve_names(monkeypatch):
    """Install a static DNS table (name → loopback addresses) for the probes."""

    def install(table: dict[str, list[str]]) -> StaticResolver:
        resolver = StaticResolver(table)
        monkeypatch.setattr(guard, "default_resolver", lambda: resolver)
        return resolver

    return install


def _listener():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    stopped = threading.Event()

    def serve():
        while not stopped.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return sock, stopped


@pytest.fixture
def tcp_listeners():
    """make() → the port of a new loopback TCP listener that accepts and closes."""
    opened = []

    def make() -> int:
        sock, stopped = _listener()
        opened.append((sock, stopped))
        return sock.getsockname()[1]

    yield make
    for sock, stopped in opened:
        stopped.set()
        with suppress(OSError):
            sock.close()


@pytest.fixture
def udp_echo():
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


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def prober(django_user_model):
    """Staff in the Helpdesk group: reads internal entries and may run probes."""
    return make_prober(django_user_model)


@pytest.fixture
def product(db):
    return Product.objects.create(slug="sdk", name="SDK")


class FlowBuilder:
    """Build small flows step by step: add(key, kind), link(from, to, ...)."""

    def __init__(self, product, slug="demo", **fields):
        self.flow = Flow.objects.create(product=product, slug=slug, title=f"Flow {slug}", **fields)
        self.steps: dict[str, Step] = {}

    def add(self, key, kind="question", **fields) -> Step:
        defaults = {"title": key.title(), "position": len(self.steps) + 1}
        if kind == "escalate":
            defaults.update(collect="logs", send_to="support")
        step = Step.objects.create(flow=self.flow, key=key, kind=kind, **{**defaults, **fields})
        self.steps[key] = step
        if self.flow.start_step_id is None:
            self.flow.start_step = step
            self.flow.save()
        return step

    def link(self, source, target, label=None, condition="answer", **fields) -> Branch:
        step = self.steps[source]
        return Branch.objects.create(
            step=step,
            next_step=self.steps[target],
            label=label or f"{source}→{target}",
            condition=condition,
            position=step.branches.count() + 1,
            **fields,
        )


@pytest.fixture
def build(product):
    def make(slug="demo", **fields):
        return FlowBuilder(product, slug=slug, **fields)

    return make


@pytest.fixture
def firewall_on_loopback(shipped_content, loopback_only, resolve_names, tcp_listeners, udp_echo):
    """The shipped sdk-firewall checklist on loopback: every port open except 8081
    (oth.eve.mdt.qq.com, 代理), names resolved to 127.0.0.1 with sso_prefix=acme.
    Returns the closed endpoint as a run shows it."""
    from probes.models import Checklist
    from tests.diagnosis.loopback import loopback_names, move_ports

    checklist = Checklist.objects.get(slug="sdk-firewall")
    closed = closed_port()
    ports = {("tcp", "443"): tcp_listeners(), ("tcp", "80"): tcp_listeners()}
    ports[("tcp", "8080")] = tcp_listeners()
    ports[("tcp", "8081")] = closed
    for port in ("80", "443", "8080"):
        ports[("udp", port)] = udp_echo
    move_ports(checklist, ports)
    resolve_names(loopback_names(checklist, {"sso_prefix": "acme"}))
    return f"tcp://oth.eve.mdt.qq.com:{closed}"
