"""Rate limits hold across gunicorn workers without a shared cache (issue 14, finding 2).

`make serve` without CACHE_URL gave each worker its own memory: 25 of 40 feedback
posts were accepted where the limit is 5. The counters now live in the database
when the cache is per-process, so every worker counts the same limit.
"""

from http import HTTPStatus

import pytest

from tests.prod.servers import Gunicorn, deploy_database, production_env, request
from tests.prod.test_scaleout import ISSUE, Browser, csrf_token

pytestmark = pytest.mark.slow


class PatientGunicorn(Gunicorn):
    """Workers warm up the search dictionaries first: on a busy machine that outlasts 30 s."""

    def wait_until_serving(self, timeout: float = 120) -> None:
        super().wait_until_serving(timeout)


@pytest.fixture(scope="module")
def server(static_root, tmp_path_factory):
    database = tmp_path_factory.mktemp("db") / "kbsite.sqlite3"
    # No CACHE_URL: per-process memory, as `make serve` has by default.
    env = production_env(STATIC_ROOT=str(static_root), DATABASE_URL=f"sqlite:///{database}")
    deploy_database(env)
    logs = tmp_path_factory.mktemp("gunicorn")
    with PatientGunicorn(env, workers=3, log_path=logs / "gunicorn.log") as running:
        yield running


def test_healthz_says_limits_are_counted_in_the_database(server):
    assert '"rate_limits": "database"' in request(server.port, "/healthz").body


def test_feedback_limit_is_one_count_for_every_worker(server):
    browser = Browser()
    page = browser.get(server.port, f"/issues/{ISSUE}/")
    answer = [("csrfmiddlewaretoken", csrf_token(page.body)), ("helpful", "yes")]
    outcomes = [
        browser.post(server.port, f"/issues/{ISSUE}/feedback/", answer).status for _ in range(20)
    ]
    assert outcomes.count(HTTPStatus.FOUND) == 5, outcomes
    assert outcomes[5:] == [HTTPStatus.TOO_MANY_REQUESTS] * 15
