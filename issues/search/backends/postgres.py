"""PostgreSQL backend: weighted tsvector columns with GIN indexes find candidates;
the re-rank scores them. User tokens are bound parameters, never tsquery syntax.
See docs/search.md#index.
"""

from collections.abc import Iterable, Sequence

from django.db import connection

from issues.search.backends.base import (
    FIELDS,
    HEADLINE_FIELDS,
    SearchBackend,
)
from issues.search.weights import PG_WEIGHT_CLASS

TABLE = "search_searchentry"
CREATE_SQL = [
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS document tsvector",
    f"CREATE INDEX IF NOT EXISTS search_entry_document_gin ON {TABLE} USING GIN (document)",
]
HEADLINE_CREATE_SQL = [
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS headline tsvector",
    f"CREATE INDEX IF NOT EXISTS search_entry_headline_gin ON {TABLE} USING GIN (headline)",
    # Entries indexed before the column existed: their analyzed text is on the row.
    f"UPDATE {TABLE} SET headline = to_tsvector('simple', title_tokens || ' ' || symptom_tokens) "  # noqa: S608 - constants
    "WHERE headline IS NULL AND document IS NOT NULL",
]
HEADLINE_DROP_SQL = [
    "DROP INDEX IF EXISTS search_entry_headline_gin",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS headline",
]
DROP_SQL = [
    "DROP INDEX IF EXISTS search_entry_document_gin",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS document",
]

_COLUMNS = {
    "title": "title_tokens",
    "symptoms": "symptom_tokens",
    "codes": "code_tokens",
    "body": "body_tokens",
    "meta": "meta_tokens",
}
_ROW_DOCUMENT_SQL = " || ".join(
    f"setweight(to_tsvector('simple', {_COLUMNS[name]}), '{PG_WEIGHT_CLASS[name]}')"
    for name in FIELDS
)
_ROW_HEADLINE_SQL = (
    "to_tsvector('simple', " + " || ' ' || ".join(_COLUMNS[name] for name in HEADLINE_FIELDS) + ")"
)
# Each token is its own bound parameter: user text is never parsed as tsquery syntax.
_ONE_WORD_QUERY = "plainto_tsquery('simple', %s)"


def _array_type(field) -> str:
    # Text as text: a cast to varchar(n) would cut a long value where the column's own
    # check refuses it, as the ORM's INSERT does.
    if field.get_internal_type() in ("CharField", "TextField"):
        return "text[]"
    return f"{field.db_type(connection)}[]"


class PostgresBackend(SearchBackend):
    def replace(self, entries: Sequence) -> None:
        # One statement per batch, from the analyzed text the saved rows already hold
        # (a rebuild writes thousands of entries; a statement per row cost most of it).
        ids = [entry.pk for entry in entries]
        if not ids:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET document = {_ROW_DOCUMENT_SQL}, "  # noqa: S608 - identifiers are constants; values are bound
                f"headline = {_ROW_HEADLINE_SQL} WHERE id = ANY(%s)",
                [ids],
            )

    def insert(self, columns, rows) -> list[int]:
        # The tsvectors are made in the INSERT itself (the rows' token columns, the same
        # expressions as replace): an UPDATE after it wrote each row twice, a dead version
        # and GIN entries for each. One array per column: the statement stays small.
        from issues.search.models import SearchEntry

        fields = {field.column: field for field in SearchEntry._meta.concrete_fields}
        arrays = ", ".join(f"%s::{_array_type(fields[column])}" for column in columns)
        names = ", ".join(columns)
        sql = (
            f"INSERT INTO {TABLE} ({names}, document, headline) "  # noqa: S608 - identifiers are constants; values are bound
            f"SELECT {names}, {_ROW_DOCUMENT_SQL}, {_ROW_HEADLINE_SQL} "
            f"FROM UNNEST({arrays}) AS v({names}) RETURNING id"
        )
        ids = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 1000):
                chunk = rows[start : start + 1000]
                cursor.execute(sql, [list(values) for values in zip(*chunk, strict=True)])
                ids += [pk for (pk,) in cursor.fetchall()]
        return ids

    def remove(self, ids: Iterable[int]) -> None:
        # The tsvector lives on the entry row: deleting the entry removes it.
        return None

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET document = NULL, headline = NULL")  # noqa: S608 - identifiers are constants; values are bound

    def any_of(self, tokens):
        return " || ".join([_ONE_WORD_QUERY] * len(tokens)), list(tokens)

    def all_of(self, groups, *, fields=FIELDS):
        # Anywhere in the document; all_conditions narrows to fields by weight class.
        params = [token for group in groups for words in group for token in words]
        expression = " && ".join(
            "("
            + " || ".join(
                "(" + " && ".join([_ONE_WORD_QUERY] * len(words)) + ")" for words in group
            )
            + ")"
            for group in groups
        )
        return expression, params

    def all_conditions(self, conditions):
        # A field is a weight class of the document (title A, shared with codes; symptoms
        # B): a superset of the field, which keeps the levels' bounds safe.
        expressions, params = [], []
        for groups, fields in conditions:
            classes = "".join(sorted({PG_WEIGHT_CLASS[name] for name in fields or ()}))
            one = f"to_tsquery('simple', quote_literal(%s) || ':{classes}')" if classes else None
            expressions.append(
                " && ".join(
                    "("
                    + " || ".join(
                        "(" + " && ".join([one or _ONE_WORD_QUERY] * len(words)) + ")"
                        for words in group
                    )
                    + ")"
                    for group in groups
                )
            )
            params += [token for group in groups for words in group for token in words]
        return " && ".join(f"({e})" for e in expressions), params

    @staticmethod
    def _conditions(public_only, restrict) -> tuple[str, list]:
        where, params = "", []
        if public_only:
            where += " AND e.is_public"
        if restrict:
            where += f" AND e.id IN ({restrict[0]})"
            params += list(restrict[1])
        return where, params

    def _matching(self, expression, params, *, public_only, restrict, limit, column="document"):
        # The tsquery is written into the statement (its tokens bound), not in a CTE,
        # so the planner sees how common they are: a sequential scan that stops after
        # ``limit`` rows when most entries match, the GIN index when few do.
        where, extra = self._conditions(public_only, restrict)
        sql = f"SELECT e.id FROM {TABLE} e WHERE e.{column} @@ ({expression}){where} LIMIT %s"  # noqa: S608 - constants
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *extra, limit])
            return [pk for (pk,) in cursor.fetchall()]
