"""Two app servers (gunicorn on two loopback ports) sharing one PostgreSQL and one Redis.

What a load balancer in front of several app servers relies on: a session made
on one server is valid on the other, an edit through one is visible through the
other at once, rate limits and login lockouts count across both, and search
answers the same everywhere.
"""

import json
import re
import secrets
from html import unescape
from html.parser import HTMLParser
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
import redis

from tests.prod.servers import (
    REDIS_URL,
    Gunicorn,
    deploy_database,
    fresh_postgres_database,
    manage,
    production_env,
    redis_test_url,
    request,
    unavailable,
)

pytestmark = pytest.mark.slow

ADMIN_USER = "scaleout-admin"
ADMIN_PASSWORD = secrets.token_urlsafe(16)
ISSUE = "client-login-connection-timeout"
SDK_ISSUE = "sdk-login-network-troubleshooting"  # an issue of the meeting-sdk product


@pytest.fixture(scope="module")
def servers(static_root, tmp_path_factory):
    # A Redis database of this lane's own (tests/prod/servers.py), flushed before use.
    cache_url = redis_test_url("scaleout")
    try:
        shared_redis = redis.Redis.from_url(cache_url, socket_connect_timeout=3)
        shared_redis.flushdb()
    except redis.RedisError as exc:
        unavailable(f"Redis is not reachable at {REDIS_URL}: {exc}")
    logs = tmp_path_factory.mktemp("gunicorn")
    try:
        with fresh_postgres_database("kbsite_prod_scaleout") as url:
            # One environment for both: same database, same cache, same SECRET_KEY.
            env = production_env(
                STATIC_ROOT=str(static_root),
                DATABASE_URL=url,
                CACHE_URL=cache_url,
                KBSITE_ADMIN_USER=ADMIN_USER,
                KBSITE_ADMIN_PASSWORD=ADMIN_PASSWORD,
                # One admin account both submits and approves (a one-person team).
                KB_ALLOW_SELF_APPROVAL="1",
            )
            deploy_database(env)
            manage("ensure_admin", env=env)
            with (
                Gunicorn(env, workers=2, log_path=logs / "a.log") as first,
                Gunicorn(env, workers=2, log_path=logs / "b.log") as second,
            ):
                yield first, second
    finally:
        shared_redis.flushdb()


class Browser:
    """Cookies and CSRF tokens by hand, so one session can hop between servers."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def get(self, port: int, path: str):
        response = request(port, path, headers=self._cookie_header())
        self._keep_cookies(response)
        return response

    def post(self, port: int, path: str, fields: list[tuple[str, str]]):
        response = request(
            port,
            path,
            method="POST",
            body=urlencode(fields).encode(),
            headers={
                **self._cookie_header(),
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        self._keep_cookies(response)
        return response

    def _cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def _keep_cookies(self, response) -> None:
        for line in response.headers.get("set-cookie", "").splitlines():
            name, _, value = line.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()

    def log_in(self, port: int, username: str, password: str):
        form = self.get(port, "/admin/login/")
        token = csrf_token(form.body)
        return self.post(
            port,
            "/admin/login/",
            [
                ("csrfmiddlewaretoken", token),
                ("username", username),
                ("password", password),
                ("next", "/admin/"),
            ],
        )


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class AdminFormReader(HTMLParser):
    """The fields of the admin change form, as a browser would submit them unchanged."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (
            tag == "form"
            and attrs.get("method", "").lower() == "post"
            and "_form" in attrs.get("id", "")
        ):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select, self._options = name, []
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select is not None:
            self._options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser drops the one newline that follows <textarea>; so do browsers.
            self.fields.append((self._textarea, unescape(self._text)))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not self._multiple and self._options:
                chosen = [self._options[0][0]]
            self.fields += [(self._select, value) for value in chosen]
            self._select = None


def admin_form_fields(html: str) -> list[tuple[str, str]]:
    reader = AdminFormReader()
    reader.feed(html)
    assert any(name == "csrfmiddlewaretoken" for name, _ in reader.fields), "no admin form"
    return reader.fields


def admin_change_url(browser: Browser, port: int, model: str, slug: str) -> str:
    changelist = browser.get(port, f"/admin/issues/{model}/?q={slug}")
    assert changelist.status == HTTPStatus.OK, changelist.status
    match = re.search(rf'href="(/admin/issues/{model}/\d+/change/)[^"]*"', changelist.body)
    assert match, f"{slug} not found in the admin list"
    return match.group(1)


def submit_change_form(browser: Browser, port: int, change_url: str, field: str, suffix: str):
    """Open the admin change form, append `suffix` to one field, save: what an editor does."""
    fields = admin_form_fields(browser.get(port, change_url).body)
    edited = [(n, f"{v} {suffix}" if n == field else v) for n, v in fields] + [("_save", "")]
    saved = browser.post(port, change_url, edited)
    errors = re.findall(r'class="errorlist[^"]*".{0,300}', saved.body)
    assert saved.status == HTTPStatus.FOUND, errors


def search(port: int, query: str) -> dict:
    """The answer that must not depend on the server (the per-request search-log id aside)."""
    response = request(port, f"/api/search/?{urlencode({'q': query})}")
    assert response.status == HTTPStatus.OK, response.body
    answer = json.loads(response.body)
    return {"query": answer["query"], "count": answer["count"], "results": answer["results"]}


def test_both_servers_share_database_and_cache(servers):
    for server in servers:
        health = json.loads(request(server.port, "/healthz").body)
        assert health["status"] == "ok"
        assert health["database_vendor"] == "postgresql"
        assert health["cache"] is True


def test_a_login_on_one_server_is_valid_on_the_other(servers):
    first, second = servers
    browser = Browser()
    logged_in = browser.log_in(first.port, ADMIN_USER, ADMIN_PASSWORD)
    assert logged_in.status == HTTPStatus.FOUND, logged_in.body[:500]
    assert "sessionid" in browser.cookies
    assert browser.get(second.port, "/admin/").status == HTTPStatus.OK
    assert Browser().get(second.port, "/admin/").status == HTTPStatus.FOUND  # to the login page


def test_an_admin_edit_through_one_server_is_visible_through_the_other_at_once(servers):
    first, second = servers
    marker = f"Scaleout{secrets.randbelow(10**6)}"
    browser = Browser()
    assert browser.log_in(second.port, ADMIN_USER, ADMIN_PASSWORD).status == HTTPStatus.FOUND
    # Warm the other server first, so "at once" also means "no stale copy served".
    assert marker not in request(first.port, "/").body
    for _ in range(2):
        assert marker not in request(first.port, f"/issues/{SDK_ISSUE}/").body

    change_url = admin_change_url(browser, second.port, "product", "meeting-sdk")
    submit_change_form(browser, second.port, change_url, "name", marker)

    assert marker in request(first.port, "/").body
    assert marker in request(first.port, f"/issues/{SDK_ISSUE}/").body  # its product's name
    api = request(first.port, f"/api/issues/{SDK_ISSUE}/")
    assert api.status == HTTPStatus.OK
    assert marker in api.body


def test_unpublishing_through_one_server_hides_the_issue_on_the_other(servers):
    first, second = servers
    browser = Browser()
    assert browser.log_in(second.port, ADMIN_USER, ADMIN_PASSWORD).status == HTTPStatus.FOUND
    issue_id = re.search(r"/(\d+)/change/", admin_change_url(browser, second.port, "issue", ISSUE))
    query = "登录 连接超时"

    def run_action(action: str) -> None:
        changelist = browser.get(second.port, "/admin/issues/issue/")
        done = browser.post(
            second.port,
            "/admin/issues/issue/",
            [
                ("csrfmiddlewaretoken", csrf_token(changelist.body)),
                ("action", action),
                ("index", "0"),
                ("_selected_action", issue_id.group(1)),
            ],
        )
        assert done.status == HTTPStatus.FOUND

    assert any(ISSUE in r["url"] for r in search(first.port, query)["results"])
    run_action("unpublish_selected")
    try:
        assert request(first.port, f"/issues/{ISSUE}/").status == HTTPStatus.NOT_FOUND
        on_first, on_second = search(first.port, query), search(second.port, query)
        assert on_first == on_second
        assert not any(ISSUE in r["url"] for r in on_first["results"])
    finally:
        run_action("submit_for_review")
        run_action("approve_and_publish")
    assert request(first.port, f"/issues/{ISSUE}/").status == HTTPStatus.OK
    assert any(ISSUE in r["url"] for r in search(first.port, query)["results"])


def test_editing_an_issue_through_its_change_form_on_one_server_shows_on_the_other(servers):
    first, second = servers
    marker = f"Scaleoutmarker{secrets.randbelow(10**6)}"
    browser = Browser()
    assert browser.log_in(second.port, ADMIN_USER, ADMIN_PASSWORD).status == HTTPStatus.FOUND
    # Anonymous issue pages are served from the shared cache without the database
    # (issues/pagecache/shared.py): warm it on the other server first.
    for _ in range(2):
        assert marker not in request(first.port, f"/issues/{ISSUE}/").body
    change_url = admin_change_url(browser, second.port, "issue", ISSUE)
    submit_change_form(browser, second.port, change_url, "title", marker)
    assert marker in request(first.port, f"/issues/{ISSUE}/").body
    assert any(ISSUE in r["url"] for r in search(first.port, marker)["results"])


@pytest.mark.parametrize("query", ["2004", "-1019", "扫码下载", "证书 安装失败", "im server"])
def test_search_answers_the_same_on_both_servers(servers, query):
    first, second = servers
    assert search(first.port, query) == search(second.port, query)


def test_the_feedback_rate_limit_counts_across_servers(servers):
    first, second = servers
    browser = Browser()
    page = browser.get(first.port, f"/issues/{ISSUE}/")
    answer = [("csrfmiddlewaretoken", csrf_token(page.body)), ("helpful", "yes")]
    outcomes = []
    # Alternate servers, as a round-robin load balancer would.
    for attempt in range(8):
        server = (first, second)[attempt % 2]
        outcomes.append(browser.post(server.port, f"/issues/{ISSUE}/feedback/", answer).status)
    accepted = outcomes.count(HTTPStatus.FOUND)
    # One shared count: five accepted in all, not five per server.
    assert accepted == 5, outcomes
    assert outcomes[5:] == [HTTPStatus.TOO_MANY_REQUESTS] * 3


def test_a_login_lockout_holds_on_every_server(servers):
    first, second = servers
    # A name of its own: the lockout is per (username, address), and all tests share 127.0.0.1.
    for attempt in range(5):
        server = (first, second)[attempt % 2]
        Browser().log_in(server.port, "intruder", f"guess-{attempt}")
    for server in servers:
        assert Browser().log_in(server.port, "intruder", "guess").status == (
            HTTPStatus.TOO_MANY_REQUESTS
        )
    # The real admin on the same address is unaffected.
    assert Browser().log_in(second.port, ADMIN_USER, ADMIN_PASSWORD).status == HTTPStatus.FOUND
