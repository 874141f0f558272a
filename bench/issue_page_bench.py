"""Issue page benchmark, in process: time and queries per request, cached and not.

    .venv/bin/python bench/issue_page_bench.py [--requests 200]

With Redis, name a database of its own (the cold measurement clears the cache):
CACHE_URL=redis://127.0.0.1:6379/7.

What it measures and the figures so far: docs/benchmarks.md#issue-page-in-process.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kbsite.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "issue-page-bench-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per measurement")
    args = parser.parse_args()
    django.setup()

    from django.contrib.auth.models import Group, User
    from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from issues.models import Issue
    from issues.pagecache import shared

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("load_shipped_content", verbosity=0)
        paths = [issue.get_absolute_url() for issue in Issue.objects.visible_to(None)]
        helpdesk = User.objects.create_user("bench-helpdesk")
        helpdesk.groups.add(Group.objects.get(name="Helpdesk"))
        editor = User.objects.create_user("bench-editor", is_staff=True)
        editor.groups.add(Group.objects.get(name="Editors"))

        def measure(client: Client, urls: list[str], *, cold: bool) -> tuple[float, float, float]:
            for url in urls:  # warm up: templates, translations, connections
                client.get(url)
            times = []
            queries = 0
            for index in range(args.requests):
                if cold:
                    cache.clear()
                url = urls[index % len(urls)]
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
                    times.append(time.perf_counter() - started)
                assert response.status_code == 200, (url, response.status_code)
                queries += len(captured)
            # The median as well: on a shared machine the mean carries other work's spikes.
            mean = sum(times) / len(times) * 1000
            return mean, statistics.median(times) * 1000, queries / args.requests

        signed_in = Client()
        signed_in.force_login(helpdesk)
        staff = Client()
        staff.force_login(editor)
        rows = [
            ("issue page, anonymous, cache cold", measure(Client(), paths, cold=True)),
            ("issue page, anonymous, cache warm", measure(Client(), paths, cold=False)),
            ("issue page, Helpdesk, cache warm", measure(signed_in, paths, cold=False)),
            ("issue page, Editor (staff), cache warm", measure(staff, paths, cold=False)),
            ("/robots.txt", measure(Client(), ["/robots.txt"], cold=False)),
        ]
        backend = type(caches[DEFAULT_CACHE_ALIAS]).__name__
        mode = "on" if shared.enabled() else "off"
        print(f"{connection.vendor}, cache {backend} (database-free anonymous pages {mode}),")
        print(f"{len(paths)} issue pages, {args.requests} requests each")
        print(f"{'':40s} {'mean ms':>8s} {'median ms':>9s} {'queries':>8s}")
        for label, (mean, median, queries) in rows:
            print(f"{label:40s} {mean:8.2f} {median:9.2f} {queries:8.1f}")
        print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
