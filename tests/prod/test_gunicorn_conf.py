"""gunicorn.conf.py reads its values from the environment, as `make serve` passes them."""

import gc
import multiprocessing
import runpy

from tests.prod.servers import REPO

CONFIG = str(REPO / "gunicorn.conf.py")


def load(monkeypatch, **env):
    for name in (
        "HOST",
        "PORT",
        "WEB_CONCURRENCY",
        "GUNICORN_TIMEOUT",
        "GUNICORN_WORKER_CLASS",
        "GUNICORN_THREADS",
        "LOG_FORMAT",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(CONFIG)


def test_defaults(monkeypatch):
    config = load(monkeypatch)
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["timeout"] == 30
    assert config["graceful_timeout"] == 30
    assert config["accesslog"] == "-"
    assert config["forwarded_allow_ips"] == ""  # proxy trust is opt-in
    assert config["control_socket_disable"] is True
    # Recycled now and then, not so often that restarts cost more than serving.
    assert config["max_requests"] == 50000
    assert 0 < config["max_requests_jitter"] < config["max_requests"]
    # One request per process: a killed worker loses only that one (see the comment there).
    assert (config["worker_class"], config["threads"]) == ("sync", 1)


def test_environment_overrides(monkeypatch):
    config = load(
        monkeypatch, HOST="0.0.0.0", PORT="9000", WEB_CONCURRENCY="2", GUNICORN_TIMEOUT="12"
    )
    assert config["bind"] == ["0.0.0.0:9000"]
    assert config["workers"] == 2
    assert config["timeout"] == 12


def test_threaded_workers_can_be_chosen(monkeypatch):
    config = load(monkeypatch, GUNICORN_WORKER_CLASS="gthread", GUNICORN_THREADS="4")
    assert (config["worker_class"], config["threads"]) == ("gthread", 4)


def test_json_logging_reaches_gunicorns_own_logs(monkeypatch):
    config = load(monkeypatch, LOG_FORMAT="json")
    handlers = config["logconfig_dict"]["handlers"]
    assert handlers["access"]["formatter"] == "json"
    assert handlers["console"]["formatter"] == "json"
    assert config["logconfig_dict"]["loggers"]["gunicorn.access"]["handlers"] == ["access"]


def test_workers_warm_up_before_serving(monkeypatch):
    config = load(monkeypatch)
    analyzed = []
    monkeypatch.setattr("issues.search.analyzer.analyze", analyzed.append)
    try:
        config["post_worker_init"](worker=None)
        assert analyzed  # the search dictionaries were loaded
        # What the worker loaded is out of the collector's sight (see kbsite/warmup.py).
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # this is the test process, not a worker


def test_a_failed_warm_up_does_not_stop_the_worker(monkeypatch, caplog):
    def broken(text):
        raise RuntimeError("dictionary missing")

    monkeypatch.setattr("issues.search.analyzer.analyze", broken)
    from kbsite.warmup import warm_up

    warm_up()
    assert "warm-up failed" in caplog.text
