"""Probe fan-out benchmark: one run of many checks should take about one timeout, not the sum.

    .venv/bin/python bench/probe_bench.py [--targets 50] [--timeout 2] [--concurrency N] [--json]

Loopback servers only; what it measures and the figures: docs/benchmarks.md#connectivity-probes.
"""

import argparse
import http.server
import json
import os
import socket
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")

import django

TARGET_RATIO = 1.3


class _Quiet(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def start_servers() -> dict:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(128)
    held = []

    def accept_and_hold():
        while True:
            try:
                held.append(silent.accept()[0])  # accepted, never answered
            except OSError:
                return

    threading.Thread(target=accept_and_hold, daemon=True).start()

    echo = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    echo.bind(("127.0.0.1", 0))

    def serve_echo():
        while True:
            try:
                data, peer = echo.recvfrom(65535)
                echo.sendto(data[:64], peer)
            except OSError:
                return

    threading.Thread(target=serve_echo, daemon=True).start()

    mute = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    mute.bind(("127.0.0.1", 0))
    return {
        "http": httpd.server_address[1],
        "silent_tcp": silent.getsockname()[1],
        "udp_echo": echo.getsockname()[1],
        "udp_silent": mute.getsockname()[1],
        "_keep": (httpd, silent, echo, mute, held),
    }


def build_targets(count: int, ports: dict) -> list[str]:
    answering = [
        f"http://bench.test:{ports['http']}/",
        f"tcp://bench.test:{ports['http']}",
        f"udp://127.0.0.1:{ports['udp_echo']}",
    ]
    silent = [
        f"http://bench.test:{ports['silent_tcp']}/",  # connects, never answers: timeout
        f"tls://bench.test:{ports['silent_tcp']}",  # handshake never completes: timeout
        f"udp://127.0.0.1:{ports['udp_silent']}",  # no reply, no ICMP: open|filtered
    ]
    half = count // 2
    targets = [silent[i % len(silent)] for i in range(half)]
    targets += [answering[i % len(answering)] for i in range(count - half)]
    return targets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    django.setup()
    from django.conf import settings

    from probes.checks import ProbeContext
    from probes.guard import Policy
    from probes.runner import run_all
    from probes.targets import spec_from_text
    from tests.probes.resolvers import StaticResolver

    concurrency = args.concurrency or settings.PROBES_MAX_CONCURRENCY
    ports = start_servers()
    targets = build_targets(args.targets, ports)
    context = ProbeContext(
        policy=Policy.build(networks=["127.0.0.0/8"]),  # this benchmark only
        resolver=StaticResolver({"bench.test": ["127.0.0.1"]}),
        timeout=args.timeout,
    )
    specs = [spec_from_text(t) for t in targets]

    started = time.monotonic()
    outcomes = Counter(
        str(result.outcome)
        for _, result in run_all(specs, context=context, max_concurrency=concurrency)
    )
    wall = time.monotonic() - started

    sum_of_timeouts = args.timeout * len(targets)
    ratio = wall / args.timeout
    figures = {
        "targets": len(targets),
        "silent": len(targets) // 2,
        "timeout_s": args.timeout,
        "concurrency": concurrency,
        "wall_s": round(wall, 3),
        "sum_of_timeouts_s": sum_of_timeouts,
        "x_one_timeout": round(ratio, 3),
        "x_sum_of_timeouts": round(wall / sum_of_timeouts, 4),
        "target_x_one_timeout": TARGET_RATIO,
        "met": ratio <= TARGET_RATIO,
        "outcomes": dict(sorted(outcomes.items())),
    }
    print(f"probe fan-out: {len(targets)} targets ({len(targets) // 2} silent), ", end="")
    print(f"{args.timeout:g} s timeout each, concurrency {concurrency}")
    print(f"  wall time          {wall:8.3f} s")
    print(f"  sum of timeouts    {sum_of_timeouts:8.3f} s   (wall = {wall / sum_of_timeouts:.1%})")
    print(f"  one timeout        {args.timeout:8.3f} s   (wall = {ratio:.2f}x)")
    verdict = "met" if figures["met"] else "NOT met"
    print(f"  target <= {TARGET_RATIO}x one timeout: {verdict}")
    print(f"  outcomes: {', '.join(f'{k}={v}' for k, v in figures['outcomes'].items())}")
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
