"""Log lines that carry the request id, as text or as one JSON object per line.

Named `logs` (not `logging`) so it never shadows the standard library. Imports
nothing from Django settings: gunicorn's master process loads it through
gunicorn.conf.py before Django is configured.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

# Set by kbsite.middleware.RequestIdMiddleware for the duration of one request;
# a ContextVar (not a thread-local) so it also holds under ASGI.
current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")

# gunicorn passes its access-log atoms as the record's args; these are the ones
# worth a field of their own. Header atoms are looked up lower-cased.
_ACCESS_FIELDS = {
    "remote_addr": "h",
    "method": "m",
    "path": "U",
    "query": "q",
    "protocol": "H",
    "status": "s",
    "bytes": "B",
    "duration_ms": "M",
    "referer": "f",
    "user_agent": "a",
}
_ACCESS_REQUEST_ID = "{x-request-id}o"

# Attributes every LogRecord has; anything else was passed with `extra=` and is
# worth keeping in the JSON object.
_RECORD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}
# Django passes the request object itself; it is not a JSON field.
_NOT_SERIALIZED = {"request"}


class RequestIdFilter(logging.Filter):
    """Stamp every record with the id of the request being served ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = (
                _access_request_id(record)
                # Django logs 4xx/5xx responses after the middleware has returned,
                # but passes the request along.
                or getattr(getattr(record, "request", None), "request_id", None)
                or current_request_id.get()
            )
        return True


def _access_request_id(record: logging.LogRecord) -> str | None:
    # gunicorn writes the access line after Django has returned, outside the
    # request's context, so the id is taken from the response header instead.
    if record.name == "gunicorn.access" and isinstance(record.args, dict):
        value = record.args.get(_ACCESS_REQUEST_ID)
        if value and value != "-":
            return value
    return None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: what log shippers (Loki, ELK, CloudWatch) parse without rules."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or current_request_id.get(),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry["message"] = "access"
            for field, atom in _ACCESS_FIELDS.items():
                entry[field] = _access_value(record.args, atom)
            entry["request_id"] = _access_request_id(record) or entry["request_id"]
        else:
            entry["message"] = record.getMessage()
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in _NOT_SERIALIZED and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _access_value(atoms: dict, atom: str):
    value = atoms.get(atom)
    if atom in {"s", "B", "M"}:
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    return None if value in (None, "-") else value


class TextFormatter(logging.Formatter):
    """Readable lines for a terminal, still with the request id."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return super().format(record)


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING dict for settings.py (Django) and gunicorn.conf.py (access and error logs)."""
    if log_format not in {"json", "text"}:
        raise ValueError(f"LOG_FORMAT must be 'json' or 'text', got {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "kbsite.logs.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "kbsite.logs.JsonFormatter"},
            "text": {"()": "kbsite.logs.TextFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "filters": ["request_id"],
                "formatter": log_format,
            },
            "access": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "filters": ["request_id"],
                "formatter": log_format,
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's default handlers (console only under DEBUG, mail_admins) are
            # replaced: its records go to root, once, with the request id.
            "django": {"handlers": [], "level": level, "propagate": True},
            # django-axes announces itself at INFO in every process, manage.py included.
            "axes": {"level": "WARNING"},
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }
