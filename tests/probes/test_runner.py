import threading
import time

from probes import runner
from probes.checks import CheckResult
from probes.outcomes import Outcome
from probes.runner import run_all
from probes.targets import spec_from_text


def test_every_target_gets_a_result_with_its_index(context, open_tcp_port, closed_tcp_port):
    specs = [
        spec_from_text(f"tcp://127.0.0.1:{open_tcp_port}"),
        spec_from_text("tcp://nope"),
        spec_from_text(f"tcp://127.0.0.1:{closed_tcp_port}"),
    ]
    results = dict(run_all(specs, context=context, max_concurrency=4))
    assert results[0].outcome == Outcome.OK
    assert results[1].outcome == Outcome.INVALID
    assert results[2].outcome == Outcome.REFUSED


def test_concurrency_is_bounded(context, monkeypatch):
    running, peak, lock = [0], [0], threading.Lock()

    def fake_check(spec, ctx):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return CheckResult(Outcome.OK)

    monkeypatch.setattr(runner, "run_check", fake_check)
    specs = [spec_from_text(f"tcp://127.0.0.1:{1000 + i}") for i in range(12)]
    results = list(run_all(specs, context=context, max_concurrency=3))
    assert len(results) == 12
    assert peak[0] == 3


def test_checks_run_side_by_side_not_one_after_another(context, monkeypatch):
    """All checks of a run are in flight together (the benchmark measures the time)."""
    barrier = threading.Barrier(5, timeout=5)

    def waits_for_the_others(spec, ctx):
        barrier.wait()  # only returns once all five are running at the same time
        return CheckResult(Outcome.OK)

    monkeypatch.setattr(runner, "run_check", waits_for_the_others)
    specs = [spec_from_text(f"tcp://127.0.0.1:{1000 + i}") for i in range(5)]
    assert {r.outcome for _, r in run_all(specs, context=context, max_concurrency=10)} == {
        Outcome.OK
    }


def test_a_check_that_overruns_is_reported_as_timeout(context, monkeypatch):
    release = threading.Event()

    def stuck(spec, ctx):
        release.wait(5)
        return CheckResult(Outcome.OK)

    monkeypatch.setattr(runner, "run_check", stuck)
    monkeypatch.setattr(runner, "OVERRUN_GRACE", 0.1)
    context.timeout = 0.1
    results = list(
        run_all([spec_from_text("tcp://127.0.0.1:1")], context=context, max_concurrency=1)
    )
    release.set()
    assert results[0][1].outcome == Outcome.TIMEOUT
    assert "overran" in results[0][1].reason


def test_checks_of_one_host_are_bounded_per_host(context, monkeypatch):
    running, peak, lock = {}, {}, threading.Lock()

    def fake_check(spec, ctx):
        host = str(spec.host.url_form)
        with lock:
            running[host] = running.get(host, 0) + 1
            peak[host] = max(peak.get(host, 0), running[host])
        time.sleep(0.05)
        with lock:
            running[host] -= 1
        return CheckResult(Outcome.OK)

    monkeypatch.setattr(runner, "run_check", fake_check)
    specs = [spec_from_text(f"tcp://a.test:{port}") for port in range(1000, 1006)]
    specs += [spec_from_text(f"tcp://b.test:{port}") for port in range(1000, 1006)]
    results = dict(run_all(specs, context=context, max_concurrency=12, per_host=2))
    assert len(results) == 12 and all(r.outcome == Outcome.OK for r in results.values())
    assert peak == {"a.test": 2, "b.test": 2}
