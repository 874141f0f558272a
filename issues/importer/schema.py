"""Types of front-matter keys and JSON export fields, checked before a draft is built.

YAML turns ``product: 5`` into a number and ``title: {a: 1}`` into a mapping; taken
as text they would create product "5" or an issue titled "{'a': 1}". A value of the
wrong type refuses the file with the key and what was expected.
"""

from datetime import date, datetime

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from issues.models import ErrorCode, Issue


class SchemaError(ValueError):
    """A key holds a value of the wrong type or an unknown choice."""


def _kind_of(value) -> str:
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("the number %(value)s") % {"value": value}
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, datetime | date):
        return _("the date %(value)s") % {"value": value.isoformat()}
    if value is None:
        return _("nothing")
    return f"“{value}”"


def text(data: dict, key: str, *, required: bool = False, choices=None) -> str | None:
    """A text value; a number or mapping is refused (quote it if it is meant as text)."""
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise SchemaError(_("“%(key)s:” is required") % {"key": key})
        return None
    if not isinstance(value, str):
        raise SchemaError(
            _("“%(key)s:” must be text, not %(value)s (put it in quotes if it is meant as text)")
            % {"key": key, "value": _kind_of(value)}
        )
    value = value.strip()
    if choices is not None and value not in choices:
        raise SchemaError(
            _("“%(key)s:” must be one of %(choices)s, not “%(value)s”")
            % {"key": key, "choices": ", ".join(choices), "value": value}
        )
    return value


def text_list(data: dict, key: str, *, numbers: bool = False) -> list[str] | None:
    """A list of texts (a single text is a one-item list); ``numbers`` also takes numbers."""
    value = data.get(key)
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    allowed = (str, int) if numbers else (str,)
    out = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, allowed):
            message = (
                _("“%(key)s:” must be a list of codes; it holds %(value)s")
                if numbers
                else _(
                    "“%(key)s:” must be a list of texts; it holds %(value)s "
                    "(put it in quotes if it is meant as text)"
                )
            )
            raise SchemaError(message % {"key": key, "value": _kind_of(item)})
        if str(item).strip():
            out.append(str(item).strip())
    return out


def a_date(data: dict, key: str) -> date | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed = parse_date(value) if isinstance(value, str) else None
    if parsed is None:
        raise SchemaError(
            _("“%(key)s:” must be a date like 2026-05-01, not %(value)s")
            % {"key": key, "value": _kind_of(value)}
        )
    return parsed


def a_datetime(data: dict, key: str) -> datetime | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise SchemaError(
            _("“%(key)s:” must be a date and time like 2026-05-01T09:30:00+08:00, not %(value)s")
            % {"key": key, "value": _kind_of(value)}
        )
    return parsed


def mapping(data: dict, key: str) -> dict[str, str]:
    value = data.get(key) or {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise SchemaError(_("“%(key)s:” must map each name to a slug, both as text") % {"key": key})
    return value


STATUSES = tuple(Issue.Status.values)
VISIBILITIES = tuple(Issue.Visibility.values)
NETWORK_RELATIONS = tuple(v for v in ErrorCode.NetworkRelation.values if v)

ISSUE_KEYS = frozenset(
    {
        "kind",
        "title",
        "slug",
        "product",
        "status",
        "visibility",
        "source",
        "tags",
        "related",
        "error_codes",
        "last_verified_on",
        "published_at",
        "approved_at",
        "approved_by",
    }
)


def unknown_keys(data: dict, known: frozenset) -> list[str]:
    return sorted(str(key) for key in data if key not in known)
