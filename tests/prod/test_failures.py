"""Failure drills against real gunicorn: the database goes away under load, a worker is killed."""

import os
import signal
import threading
import time
from http import HTTPStatus
from http.client import HTTPException
from typing import NamedTuple

import pytest
import redis

from tests.prod.servers import (
    REDIS_URL,
    Gunicorn,
    TcpProxy,
    database_name,
    database_url,
    deploy_database,
    fresh_postgres_database,
    postgres_address,
    production_env,
    redis_test_url,
    request,
    unavailable,
)

pytestmark = pytest.mark.slow

READER_PATHS = [
    "/issues/login-error-2004-no-access-permission/",
    "/issues/network-test-error-code-0/",
    "/issues/sdk-login-network-troubleshooting/",
    "/",
]


class Reading(NamedTuple):
    started: float
    finished: float
    outcome: int | str  # the HTTP status, or the name of the connection error
    body: str


class Readers:
    """A few readers requesting pages back to back; every answer is recorded with its time."""

    def __init__(self, port: int, *, threads: int = 4):
        self.port = port
        self.results: list[Reading] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._read, args=(offset,), daemon=True)
            for offset in range(threads)
        ]

    def __enter__(self) -> "Readers":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=15)

    def _read(self, offset: int) -> None:
        index = offset
        while not self._stop.is_set():
            path = READER_PATHS[index % len(READER_PATHS)]
            index += 1
            started = time.monotonic()
            try:
                response = request(self.port, path, timeout=10)
                outcome, body = response.status, response.body
            except (OSError, HTTPException) as exc:  # reset, refused, timed out, cut short
                outcome, body = type(exc).__name__, ""
            with self._lock:
                self.results.append(Reading(started, time.monotonic(), outcome, body))

    def since(self, moment: float) -> list["Reading"]:
        """The requests made entirely after ``moment``."""
        with self._lock:
            return [result for result in self.results if result.started >= moment]


def assert_friendly_outage_page(body: str) -> None:
    assert 'name="robots" content="noindex"' in body  # our 503 page, not a bare error
    for leak in ("Traceback", "OperationalError", "psycopg2", "Exception Value"):
        assert leak not in body


@pytest.fixture(scope="module")
def postgres_deployment(static_root):
    with fresh_postgres_database("kbsite_prod_failover") as url:
        env = production_env(STATIC_ROOT=str(static_root), DATABASE_URL=url)
        deploy_database(env)
        yield env


def through(proxy: TcpProxy, deployment: dict[str, str]) -> str:
    """The deployment's database reached only through the proxy we can cut."""
    name = database_name(deployment["DATABASE_URL"])
    return database_url(name, host="127.0.0.1", port=proxy.port)


def test_database_outage_under_load_gives_friendly_503_and_recovers_without_restart(
    postgres_deployment, tmp_path
):
    with TcpProxy(postgres_address()) as proxy:
        env = {
            **postgres_deployment,
            # gunicorn reaches PostgreSQL only through the proxy we can cut.
            "DATABASE_URL": through(proxy, postgres_deployment),
        }
        with Gunicorn(env, workers=2, log_path=tmp_path / "gunicorn.log") as server:
            master_pid = server.process.pid
            with Readers(server.port) as readers:
                time.sleep(1.5)
                before_cut = time.monotonic()
                proxy.cut()
                time.sleep(3)
                health_down = request(server.port, "/healthz")
                restored_at = time.monotonic()
                proxy.restore()
                deadline = time.monotonic() + 15
                while request(server.port, "/healthz").status != HTTPStatus.OK:
                    assert time.monotonic() < deadline, "no recovery after the database returned"
                    time.sleep(0.2)
                recovered_at = time.monotonic()
                time.sleep(1.5)

            assert server.process.poll() is None and server.process.pid == master_pid
            outcomes = [reading.outcome for reading in readers.results]
            unexpected = {
                o for o in outcomes if o not in {HTTPStatus.OK, HTTPStatus.SERVICE_UNAVAILABLE}
            }
            assert not unexpected, f"{unexpected}\n{server.log()}"

            healthy_before = [r.outcome for r in readers.results if r.finished < before_cut]
            assert healthy_before and set(healthy_before) == {HTTPStatus.OK}

            during = [
                # Made entirely while the database was away: a request begun before
                # the cut may still have had its answer from the database.
                (r.outcome, r.body)
                for r in readers.results
                if before_cut < r.started and r.finished < restored_at
            ]
            assert during, "the readers made no requests while the database was away"
            assert {o for o, _ in during} == {HTTPStatus.SERVICE_UNAVAILABLE}
            for _, body in during:
                assert_friendly_outage_page(body)

            assert health_down.status == HTTPStatus.SERVICE_UNAVAILABLE
            assert health_down.headers["content-type"] == "application/json"
            assert '"database": false' in health_down.body

            after = [r.outcome for r in readers.since(recovered_at + 0.5)]
            assert after and set(after) == {HTTPStatus.OK}


def test_api_reader_gets_json_503_during_outage(postgres_deployment, tmp_path):
    with TcpProxy(postgres_address()) as proxy:
        env = {
            **postgres_deployment,
            "DATABASE_URL": through(proxy, postgres_deployment),
        }
        with Gunicorn(env, workers=1, log_path=tmp_path / "gunicorn.log") as server:
            proxy.cut()
            response = request(server.port, "/api/search/?q=2004")
            assert response.status == HTTPStatus.SERVICE_UNAVAILABLE, server.log()
            assert response.headers["content-type"] == "application/json"
            assert response.headers["retry-after"].isdigit()
            assert "error" in response.body and "Traceback" not in response.body


def test_cached_issue_pages_stay_up_while_the_database_is_away(postgres_deployment, tmp_path):
    """With Redis, anonymous issue pages need no database (issues/pagecache/shared.py)."""
    # A Redis database of this lane's own (tests/prod/servers.py), flushed before use.
    cache_url = redis_test_url("limits")
    try:
        redis.Redis.from_url(cache_url, socket_connect_timeout=3).flushdb()
    except redis.RedisError as exc:
        unavailable(f"Redis is not reachable at {REDIS_URL}: {exc}")
    issue_paths = [path for path in READER_PATHS if path.startswith("/issues/")]
    with TcpProxy(postgres_address()) as proxy:
        env = {
            **postgres_deployment,
            "DATABASE_URL": through(proxy, postgres_deployment),
            "CACHE_URL": cache_url,
        }
        with Gunicorn(env, workers=1, log_path=tmp_path / "gunicorn.log") as server:
            before = {path: request(server.port, path) for path in issue_paths}
            assert {r.status for r in before.values()} == {HTTPStatus.OK}, server.log()
            proxy.cut()
            for path in issue_paths:
                during = request(server.port, path)
                assert during.status == HTTPStatus.OK, server.log()
                title = before[path].body.split("<title>")[1].split("</title>")[0]
                assert f"<title>{title}</title>" in during.body
            # Pages that need the database still answer with the friendly 503.
            home = request(server.port, "/")
            assert home.status == HTTPStatus.SERVICE_UNAVAILABLE
            assert_friendly_outage_page(home.body)
            proxy.restore()
            deadline = time.monotonic() + 15
            while request(server.port, "/").status != HTTPStatus.OK:
                assert time.monotonic() < deadline, "no recovery after the database returned"
                time.sleep(0.2)


@pytest.fixture(scope="module")
def sqlite_deployment(static_root, tmp_path_factory):
    database = tmp_path_factory.mktemp("db") / "kbsite.sqlite3"
    env = production_env(STATIC_ROOT=str(static_root), DATABASE_URL=f"sqlite:///{database}")
    deploy_database(env)
    return env


def test_killed_worker_is_replaced_and_only_its_request_fails(sqlite_deployment, tmp_path):
    workers = 3
    with Gunicorn(sqlite_deployment, workers=workers, log_path=tmp_path / "gunicorn.log") as server:
        deadline = time.monotonic() + 15
        while len(server.worker_pids()) < workers:
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.1)
        original = server.worker_pids()
        with Readers(server.port) as readers:
            time.sleep(1.5)
            victim = sorted(original)[0]
            os.kill(victim, signal.SIGKILL)
            deadline = time.monotonic() + 15
            while True:
                current = server.worker_pids()
                if victim not in current and len(current) == workers:
                    break
                assert time.monotonic() < deadline, f"worker not replaced:\n{server.log()}"
                time.sleep(0.1)
            replaced_at = time.monotonic()
            time.sleep(1.5)

        replacement = current - original
        assert len(replacement) == 1
        failures = [r.outcome for r in readers.results if r.outcome != HTTPStatus.OK]
        # A sync worker holds at most one request: that one may fail, no other.
        assert len(failures) <= 1, failures
        after = [r.outcome for r in readers.since(replaced_at)]
        assert len(after) > 10 and set(after) == {HTTPStatus.OK}
