"""Real production-mode servers for the slow tests: gunicorn, a cuttable TCP proxy, databases.

Everything listens on and connects to loopback only.
"""

import contextlib
import http.client
import os
import secrets
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import psycopg2
import pytest

from kbsite.dbcheck import maintenance_connection

REPO = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379"

# `make test` runs two pytest processes at a time, each in its lane (KB_TEST_LANE=1 or 2).
# A lane flushes only its own block of Redis databases (above 0, the default broker and
# cache, and the benchmarks' 6 and 7); plain pytest uses lane 1's.
LANE_REDIS_BLOCKS = {"": 12, "1": 12, "2": 8}
REDIS_SLOTS = ("limits", "cache", "scaleout", "broker")

# Variables a developer's shell may carry that would change what the servers run.
_INHERITED_SETTINGS = {
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "CACHE_URL",
    "ALLOWED_HOSTS",
    "STATIC_ROOT",
    "LOG_FORMAT",
    "WEB_CONCURRENCY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "TRUSTED_PROXY_COUNT",
    "KB_PAGE_CACHE",
}


def unavailable(reason: str):
    """Skip locally with the reason; under CI a missing service is a failure (like the Makefile)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the production tests must run)")
    pytest.skip(reason)


def test_lane() -> str:
    lane = os.environ.get("KB_TEST_LANE", "")
    if lane not in LANE_REDIS_BLOCKS:
        raise AssertionError(f"KB_TEST_LANE={lane!r}: expected one of {sorted(LANE_REDIS_BLOCKS)}")
    return lane


def redis_test_db(purpose: str) -> int:
    """The Redis database this lane's tests use for ``purpose`` (see REDIS_SLOTS)."""
    return LANE_REDIS_BLOCKS[test_lane()] + REDIS_SLOTS.index(purpose)


def redis_test_url(purpose: str) -> str:
    return f"{REDIS_URL}/{redis_test_db(purpose)}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def production_env(**overrides: str) -> dict[str, str]:
    """The environment `make serve` would see on a plain-HTTP loopback try-out."""
    env = {k: v for k, v in os.environ.items() if k not in _INHERITED_SETTINGS}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": LOOPBACK,
            "SECURE_COOKIES": "0",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 180) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def deploy_database(env: dict[str, str]) -> None:
    """What `make serve` does before starting gunicorn."""
    manage("migrate", "--noinput", env=env)
    manage("load_shipped_content", env=env)


# --- PostgreSQL -----------------------------------------------------------------


def postgres_server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_POSTGRES_URL


def _maintenance_connection():
    connection = maintenance_connection(postgres_server_url())
    connection.autocommit = True
    return connection


def postgres_address() -> tuple[str, int]:
    config = dj_database_url.parse(postgres_server_url())
    return config.get("HOST") or LOOPBACK, int(config.get("PORT") or 5432)


def database_url(name: str, *, host: str | None = None, port: int | None = None) -> str:
    parts = urlsplit(postgres_server_url())
    server_host, server_port = postgres_address()
    userinfo = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return f"postgres://{userinfo}{host or server_host}:{port or server_port}/{name}"


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


@contextlib.contextmanager
def fresh_postgres_database(prefix: str):
    """A dedicated database, created empty and dropped afterwards. Named after this
    process, so pytest processes running side by side never drop each other's."""
    name = f"{prefix}_{os.getpid()}"
    try:
        connection = _maintenance_connection()
    except psycopg2.OperationalError as exc:
        unavailable(f"PostgreSQL is not reachable at {postgres_server_url()}: {exc}")
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield database_url(name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()


# --- HTTP -------------------------------------------------------------------------


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: str):
        self.status = status
        self.headers = headers
        self.body = body


def request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Response:
    """One request on a fresh connection (what a browser behind a balancer mostly does)."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        raw_headers: dict[str, str] = {}
        for key, value in response.getheaders():
            # Several Set-Cookie lines: keep them all, one per line.
            key = key.lower()
            raw_headers[key] = f"{raw_headers[key]}\n{value}" if key in raw_headers else value
        return Response(response.status, raw_headers, response.read().decode("utf-8", "replace"))
    finally:
        connection.close()


# --- gunicorn ---------------------------------------------------------------------


class Gunicorn:
    """gunicorn started with the project's gunicorn.conf.py, as `make serve` starts it."""

    def __init__(self, env: dict[str, str], *, workers: int, log_path: Path):
        self.port = free_port()
        self.env = {
            **env,
            "HOST": LOOPBACK,
            "PORT": str(self.port),
            "WEB_CONCURRENCY": str(workers),
        }
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=REPO,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.wait_until_serving()
        return self

    def __exit__(self, *exc_info) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def wait_until_serving(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log()}")
            with contextlib.suppress(OSError):
                if request(self.port, "/robots.txt", timeout=2).status < 500:
                    return
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not start serving:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-5000:]

    def worker_pids(self) -> set[int]:
        """The master's child processes, read from /proc (Linux)."""
        pids = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid:
                    pids.add(int(stat.parent.name))
        return pids


# --- a cuttable TCP proxy ------------------------------------------------------------


class TcpProxy:
    """Forwards a loopback port to the database and can cut it, like a database outage.

    `cut()` closes every open connection and stops listening (new connections
    are refused, as when PostgreSQL is down); `restore()` listens again on the
    same port. The real database server is never touched.
    """

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._stopped = threading.Event()

    def __enter__(self) -> "TcpProxy":
        self.restore()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stopped.set()
        self.cut()

    def restore(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOOPBACK, self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, set()
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    server.close()
                    return
                self._sockets.update({client, server})
            threading.Thread(target=self._pipe, args=(client, server), daemon=True).start()

    def _pipe(self, client: socket.socket, server: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, server)
        selector.register(server, selectors.EVENT_READ, client)
        try:
            while True:
                for key, _ in selector.select(timeout=1):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            for sock in (client, server):
                with contextlib.suppress(OSError):
                    sock.close()
