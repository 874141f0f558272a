"""The task queue as production runs it, for the drills: a real Redis broker, real Celery
worker and beat processes, gunicorn, and a database of their own (a SQLite file, or a
fresh PostgreSQL database when the suite runs on PostgreSQL).

Everything listens on and dials loopback only. Each stack uses its own Redis key
prefix and queue name, in its lane's Redis database (tests/prod/servers.py), so
parallel runs and other users of the Redis never mix.
"""

import contextlib
import http.cookiejar
import http.server
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg2

from tests.prod.servers import (
    REPO,
    Gunicorn,
    free_port,
    fresh_postgres_database,
    manage,
    production_env,
    redis_test_url,
    unavailable,
)

LOOPBACK = "127.0.0.1"
REDIS = (LOOPBACK, 6379)
STAFF_USER, STAFF_PASSWORD = "drill-staff", "drill-pass-1234"


def require_redis() -> None:
    try:
        with socket.create_connection(REDIS, timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            if not sock.recv(16).startswith(b"+PONG"):
                unavailable("Redis at 127.0.0.1:6379 did not answer PING")
    except OSError as exc:
        unavailable(f"Redis is not reachable at 127.0.0.1:6379: {exc}")


def wait_for(predicate, *, timeout: float, interval: float = 0.1, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s: {message}")


class Process:
    """A Celery worker or beat with its log in a file."""

    def __init__(self, args: list[str], *, env: dict[str, str], log_path: Path, ready: str):
        self.args, self.env, self.log_path, self.ready = args, env, log_path, ready
        self.process: subprocess.Popen | None = None

    def start(self) -> "Process":
        self._log = self.log_path.open("ab")
        self._offset = self.log_path.stat().st_size
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "kbsite", *self.args],
            cwd=REPO,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: self.process.poll() is not None or self.ready in self.log(since_start=True),
            timeout=60,
            message=f"celery {self.args[0]} did not start",
        )
        if self.process.poll() is not None:
            raise AssertionError(f"celery {self.args[0]} exited:\n{self.log()}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process:
            self._log.close()

    def log(self, *, since_start: bool = False) -> str:
        text = self.log_path.read_bytes()
        if since_start:
            text = text[self._offset :]
        return text.decode(errors="replace")[-20000:]


class _Gunicorn(Gunicorn):
    def wait_until_serving(self, timeout: float = 120) -> None:
        # A loaded CI machine can take a while to import and warm up two workers.
        super().wait_until_serving(timeout)


class Stack:
    def __init__(self, tmp: Path, database_url: str, static_root: Path, **settings: str):
        tag = secrets.token_hex(4)
        self.tmp = tmp
        self.database_url = database_url
        self.env = production_env(
            DATABASE_URL=database_url,
            STATIC_ROOT=str(static_root),
            # The lane's own database: Celery's broadcasts (worker pings for /healthz)
            # are not key-prefixed, and must not reach another lane's workers.
            CELERY_BROKER_URL=redis_test_url("broker"),
            CELERY_KEY_PREFIX=f"kbsite-drill-{tag}:",
            CELERY_QUEUE=f"kbsite-drill-{tag}",
            PROBES_ALLOWED_NETWORKS="127.0.0.0/8",
            PROBES_RUN_LEASE="3",
            PROBES_HOST_MIN_INTERVAL="0",
            PROBES_TIMEOUT="8",
            PROBES_ALERT_RETRY_SECONDS="1",
            PROBES_MONITOR_THRESHOLD="2",
            LOG_LEVEL="INFO",
            **settings,
        )
        self.env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        self.worker = Process(
            ["worker", "--pool", "prefork", "--concurrency", "2", "--loglevel", "info",
             "--hostname", f"drill-{tag}@%h"],
            env=self.env, log_path=tmp / "worker.log", ready="ready.",
        )  # fmt: skip
        self.beat = Process(
            ["beat", "--loglevel", "info", "--schedule", str(tmp / "beat-schedule")],
            env=self.env,
            log_path=tmp / "beat.log",
            ready="beat: Starting",
        )
        self.web: Gunicorn | None = None

    # --- database -----------------------------------------------------------------

    def shell(self, code: str) -> str:
        """Run Django code in the stack's database (setup steps); returns what it printed."""
        return manage("shell", "--no-imports", "-c", code, env=self.env)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read the stack's database directly (%s placeholders)."""
        if self.database_url.startswith("sqlite"):
            path = self.database_url.split("sqlite:///", 1)[1]
            with contextlib.closing(sqlite3.connect(path, timeout=20)) as connection:
                return connection.execute(sql.replace("%s", "?"), params).fetchall()
        with contextlib.closing(psycopg2.connect(self.database_url)) as connection:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            connection.rollback()
            return rows

    def run_row(self, run_id: int) -> dict:
        row = self.query(
            "SELECT status, attempts, worker, failure FROM probes_proberun WHERE id = %s",
            (run_id,),
        )[0]
        return dict(zip(("status", "attempts", "worker", "failure"), row, strict=True))

    def send_task(self, name: str, *args) -> None:
        """Publish a task message as the site would (a duplicate delivery, for the drills)."""
        from celery import Celery

        app = Celery("drill", broker=self.env["CELERY_BROKER_URL"])
        app.conf.broker_transport_options = {"global_keyprefix": self.env["CELERY_KEY_PREFIX"]}
        app.conf.task_default_queue = self.env["CELERY_QUEUE"]
        with app.connection_for_write() as connection:
            app.send_task(name, args=list(args), connection=connection)

    # --- web ------------------------------------------------------------------------

    def start_web(self) -> Gunicorn:
        self.web = _Gunicorn(self.env, workers=2, log_path=self.tmp / "gunicorn.log").__enter__()
        return self.web

    def url(self, path: str) -> str:
        return f"http://{LOOPBACK}:{self.web.port}{path}"

    def close(self) -> None:
        self.beat.stop()
        self.worker.stop()
        if self.web is not None:
            self.web.__exit__(None, None, None)
        # Leave nothing behind in the shared Redis: only this stack's prefixed keys.
        import redis

        client = redis.Redis.from_url(self.env["CELERY_BROKER_URL"])
        keys = list(client.scan_iter(match=f"{self.env['CELERY_KEY_PREFIX']}*", count=500))
        if keys:
            client.delete(*keys)
        client.close()


@contextlib.contextmanager
def queue_stack(tmp: Path, static_root: Path, **settings: str):
    require_redis()
    postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    if postgres:
        database = fresh_postgres_database(f"kbsite_queue_{secrets.token_hex(4)}")
    else:
        database = contextlib.nullcontext(f"sqlite:///{tmp / 'queue.sqlite3'}")
    with database as database_url:
        stack = Stack(tmp, database_url, static_root, **settings)
        manage("migrate", "--noinput", env=stack.env)
        stack.shell(
            "from django.contrib.auth.models import Group, User\n"
            f"u = User.objects.create_user({STAFF_USER!r}, password={STAFF_PASSWORD!r},"
            " is_staff=True)\n"
            "u.groups.add(Group.objects.get(name='Helpdesk'))\n"
        )
        try:
            yield stack
        finally:
            stack.close()


class Browser:
    """A signed-in staff member's HTTP client (cookies and CSRF like a browser)."""

    def __init__(self, stack: Stack):
        self.stack = stack
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str):
        return self.opener.open(self.stack.url(path), timeout=30)

    def post(self, path: str, data: dict):
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(
            self.stack.url(path), data=body, headers={"Referer": self.stack.url(path)}
        )
        return self.opener.open(request, timeout=30)

    def post_json(self, path: str, payload: dict):
        request = urllib.request.Request(
            self.stack.url(path),
            data=json.dumps(payload).encode(),
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": self.csrf(),
                "Referer": self.stack.url(path),
            },
        )
        return self.opener.open(request, timeout=60)

    def login(self) -> "Browser":
        self.get("/admin/login/").read()
        response = self.post(
            "/admin/login/?next=/probes/",
            {"username": STAFF_USER, "password": STAFF_PASSWORD, "next": "/probes/"},
        )
        assert response.status == 302, response.read()[:2000]
        return self

    def json(self, path: str) -> dict:
        return json.loads(self.get(path).read())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


# --- loopback endpoints the probes and alerts dial --------------------------------------


class SlowHttp:
    """An HTTP server whose /sleep/<seconds> answers after that long; counts requests per path."""

    def __init__(self):
        self.port = free_port()
        self.hits: dict[str, int] = {}
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                owner.hits[self.path] = owner.hits.get(self.path, 0) + 1
                if self.path.startswith("/sleep/"):
                    time.sleep(float(self.path.split("?")[0].rsplit("/", 1)[1]))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((LOOPBACK, self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Listener:
    """A TCP port that accepts (reachable) until stopped (refused), and can listen again."""

    def __init__(self):
        self.port = free_port()
        self.accepted = 0
        self._sock: socket.socket | None = None
        self.start()

    def start(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, self.port))
        sock.listen(64)
        self._sock = sock
        threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def _accept(self, sock):
        while True:
            try:
                client, _ = sock.accept()
            except OSError:
                return
            self.accepted += 1
            client.close()

    def stop(self):
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


class WebhookReceiver:
    """Collects webhook POSTs (headers and raw body); answers 500 to the first `fail_first`."""

    def __init__(self, *, fail_first: int = 0):
        self.port = free_port()
        self.received: list[tuple[dict, bytes, int]] = []
        self.fail_first = fail_first
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = 500 if len(owner.received) < owner.fail_first else 200
                owner.received.append(
                    ({k.lower(): v for k, v in self.headers.items()}, body, status)
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((LOOPBACK, self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/hooks/kbsite"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
