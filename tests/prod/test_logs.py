"""JSON and text log lines, each with the request id."""

import json
import logging

import pytest

from kbsite.logs import JsonFormatter, RequestIdFilter, TextFormatter, current_request_id


def record(name="kbsite.test", msg="hello %s", args=("world",), **extra) -> logging.LogRecord:
    rec = logging.makeLogRecord({"name": name, "msg": msg, "args": args, "levelname": "INFO"})
    rec.__dict__.update(extra)
    RequestIdFilter().filter(rec)
    return rec


def test_json_line_carries_the_request_id_of_the_current_request():
    token = current_request_id.set("req-123")
    try:
        line = JsonFormatter().format(record())
    finally:
        current_request_id.reset(token)
    entry = json.loads(line)
    assert entry["message"] == "hello world"
    assert entry["request_id"] == "req-123"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "kbsite.test"
    assert entry["time"].endswith("+00:00")


def test_outside_a_request_the_id_is_a_dash():
    assert json.loads(JsonFormatter().format(record()))["request_id"] == "-"


def test_errors_keep_their_traceback_in_one_line():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        rec = record(exc_info=sys.exc_info())
    line = JsonFormatter().format(rec)
    assert "\n" not in line
    assert "RuntimeError: boom" in json.loads(line)["exception"]


def test_extra_fields_are_kept():
    entry = json.loads(JsonFormatter().format(record(issue="im-server-connecting")))
    assert entry["issue"] == "im-server-connecting"


def test_gunicorn_access_line_becomes_fields_with_the_response_request_id():
    atoms = {
        "h": "127.0.0.1",
        "m": "GET",
        "U": "/issues/x/",
        "q": "",
        "H": "HTTP/1.1",
        "s": "200",
        "B": "5120",
        "M": "12",
        "f": "-",
        "a": "wrk",
        "{x-request-id}o": "abc",
    }
    rec = record(name="gunicorn.access", msg="%(h)s %(r)s", args=(atoms,))
    rec.args = atoms  # logging unpacks a single dict argument this way too
    entry = json.loads(JsonFormatter().format(rec))
    assert entry["request_id"] == "abc"
    assert entry["status"] == 200
    assert entry["duration_ms"] == 12
    assert entry["path"] == "/issues/x/"
    assert entry["referer"] is None


def test_text_lines_show_the_request_id():
    token = current_request_id.set("req-9")
    try:
        line = TextFormatter().format(record())
    finally:
        current_request_id.reset(token)
    assert "[req-9] hello world" in line


@pytest.mark.django_db
def test_lines_logged_during_a_request_carry_its_id(client, caplog):
    caplog.set_level(logging.WARNING)
    client.get("/issues/no-such-issue-anywhere/", HTTP_X_REQUEST_ID="trace-77")
    not_found = [r for r in caplog.records if r.name == "django.request"]
    assert not_found
    assert RequestIdFilter().filter(not_found[0])
    assert json.loads(JsonFormatter().format(not_found[0]))["request_id"] == "trace-77"
