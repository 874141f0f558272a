import sqlite3
from collections.abc import Iterable, Sequence

from django.db import connection

FIELDS = ("title", "symptoms", "codes", "body", "meta")
# The fields staff type a problem into (PostgreSQL keeps them in a column of their own).
HEADLINE_FIELDS = ("title", "symptoms")
ENTRY_TABLE = "search_searchentry"
# The SearchEntry column each index field is analyzed text from.
TOKEN_COLUMNS = {
    "title": "title_tokens",
    "symptoms": "symptom_tokens",
    "codes": "code_tokens",
    "body": "body_tokens",
    "meta": "meta_tokens",
}


def entry_field_texts(entry) -> dict[str, str]:
    """The analyzed text per index field, from a SearchEntry."""
    return {
        "title": entry.title_tokens,
        "symptoms": entry.symptom_tokens,
        "codes": entry.code_tokens,
        "body": entry.body_tokens,
        "meta": entry.meta_tokens,
    }


def insert_rows(
    cursor, table: str, columns: Sequence[str], rows: Sequence[tuple], *, returning: str = ""
) -> list:
    """Insert ``rows`` with as few multi-row INSERTs as the database allows; with
    ``returning`` (a column), that column of each row in order, as Django's bulk_create
    reads ids. For bulk writes where the ORM's per-value compilation is the cost."""
    if not rows:
        return []
    if connection.vendor == "sqlite":
        # The compiled limit (32766 by default since SQLite 3.32), not Django's 999.
        params = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        params = 65535
    per_statement = max(1, min(1000, params // len(columns)))
    one_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    suffix = f" RETURNING {returning}" if returning else ""
    found = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - identifiers are constants; values are bound
            f"VALUES {', '.join([one_row] * len(chunk))}{suffix}",
            [value for row in chunk for value in row],
        )
        if returning:
            found += [value for (value,) in cursor.fetchall()]
    return found


class SearchBackend:
    def replace(self, entries: Sequence) -> None:
        raise NotImplementedError

    def insert(self, columns: Sequence[str], rows: Sequence[tuple]) -> list[int]:
        """Write new entries (rows of SearchEntry ``columns``) and index them, in bulk
        (a rebuild); their ids, in order."""
        with connection.cursor() as cursor:
            ids = insert_rows(cursor, ENTRY_TABLE, columns, rows, returning="id")
        self._index_new(ids, columns, rows)
        return ids

    def _index_new(self, ids: list[int], columns: Sequence[str], rows: Sequence[tuple]) -> None:
        raise NotImplementedError

    def remove(self, ids: Iterable[int]) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def matching_any(
        self, tokens: Sequence[str], *, public_only: bool, restrict=None, limit: int
    ) -> list[int]:
        """Ids of up to ``limit`` entries holding any of ``tokens``, in the index's order.

        The database only finds entries and stops at ``limit``: it never scores them.
        Scoring every entry that holds a common word is what made a query slow on a
        large index (bm25 counts each token's whole posting list; ts_rank reads each
        matching row); the re-rank scores the candidates itself (ranking.text_score),
        the same way on both databases, and candidates.select decides which to ask for.
        """
        if not tokens:
            return []
        return self._matching(
            *self.any_of(tokens), public_only=public_only, restrict=restrict, limit=limit
        )

    def matching_all(
        self, conditions, *, public_only: bool, restrict=None, limit: int
    ) -> list[int]:
        """Ids of up to ``limit`` entries meeting every condition, a (groups, fields)
        pair: every group held in one of ``fields`` (None: anywhere). Unscored."""
        return self._matching(
            *self.all_conditions(conditions),
            public_only=public_only,
            restrict=restrict,
            limit=limit,
        )

    def all_conditions(self, conditions) -> tuple[str, list]:
        raise NotImplementedError

    def any_of(self, tokens: Sequence[str]) -> tuple[str, list]:
        """A match expression (SQL or the engine's own syntax) and its parameters."""
        raise NotImplementedError

    def all_of(
        self, groups: Sequence[Sequence[Sequence[str]]], *, fields: Sequence[str] = FIELDS
    ) -> tuple[str, list]:
        """Every group held, each in one of ``fields`` (all fields by default)."""
        raise NotImplementedError

    def _matching(self, expression, params, *, public_only, restrict, limit) -> list[int]:
        raise NotImplementedError
