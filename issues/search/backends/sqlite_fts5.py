"""SQLite: an FTS5 table over the analyzed text; it finds entries, the re-rank scores them.

The table's rowid is the SearchEntry id. FTS5 sees only analyzer tokens joined by
spaces, so its unicode61 tokenizer has nothing left to split.
"""

from collections.abc import Iterable, Sequence

from django.db import connection

from issues.search.backends.base import (
    FIELDS,
    TOKEN_COLUMNS,
    SearchBackend,
    entry_field_texts,
)

TABLE = "search_fts"
CREATE_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    f"{', '.join(FIELDS)}, is_public UNINDEXED, "
    "tokenize = 'unicode61 remove_diacritics 0')"
)
DROP_SQL = f"DROP TABLE IF EXISTS {TABLE}"


def quote(token: str) -> str:
    """An FTS5 string: the token can only ever be a term, never an operator."""
    return '"' + token.replace('"', '""') + '"'


class SQLiteFTS5Backend(SearchBackend):
    def replace(self, entries: Sequence) -> None:
        if not entries:
            return
        self.remove(entry.pk for entry in entries)
        rows = [
            (entry.pk, *entry_field_texts(entry).values(), int(entry.is_public))
            for entry in entries
        ]
        placeholders = ", ".join(["%s"] * (len(FIELDS) + 2))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, {', '.join(FIELDS)}, is_public) "  # noqa: S608 - identifiers are constants; values are bound
                f"VALUES ({placeholders})",
                rows,
            )

    def _index_new(self, ids, columns, rows) -> None:
        # New ids: nothing of theirs is in the table yet, so nothing to remove first.
        at = [columns.index(TOKEN_COLUMNS[name]) for name in FIELDS]
        public = columns.index("is_public")
        placeholders = ", ".join(["%s"] * (len(FIELDS) + 2))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, {', '.join(FIELDS)}, is_public) "  # noqa: S608 - identifiers are constants; values are bound
                f"VALUES ({placeholders})",
                [
                    (pk, *(row[i] for i in at), int(row[public]))
                    for pk, row in zip(ids, rows, strict=True)
                ],
            )

    def remove(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cursor.execute(
                    f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608 - identifiers are constants; values are bound
                    chunk,
                )

    def clear(self) -> None:
        # Dropped and created again: a DELETE takes every row's terms out of the index
        # one by one (6 s at 100k entries). In a transaction, readers keep the old table.
        with connection.cursor() as cursor:
            cursor.execute(DROP_SQL)
            cursor.execute(CREATE_SQL)

    def any_of(self, tokens):
        return " OR ".join(quote(token) for token in tokens), []

    def all_of(self, groups, *, fields=FIELDS):
        expression = " AND ".join(
            "(" + " OR ".join("(" + " AND ".join(map(quote, words)) + ")" for words in group) + ")"
            for group in groups
        )
        if tuple(fields) != FIELDS:
            # A column filter: every phrase inside must match in one of these columns.
            # The names are constants, the tokens inside stay quoted.
            expression = "{" + " ".join(fields) + "} : (" + expression + ")"
        return expression, []

    def all_conditions(self, conditions):
        parts = [self.all_of(groups, fields=fields or FIELDS)[0] for groups, fields in conditions]
        return " AND ".join(f"({part})" for part in parts), []

    def _matching(self, expression, params, *, public_only, restrict, limit):
        where, params = [f"{TABLE} MATCH %s"], [expression, *params]
        if public_only:
            where.append("is_public = 1")
        if restrict:
            where.append(f"rowid IN ({restrict[0]})")
            params += list(restrict[1])
        # No bm25() here: it counts every matching row of each token before scoring one.
        sql = f"SELECT rowid FROM {TABLE} WHERE {' AND '.join(where)} LIMIT %s"  # noqa: S608 - constants
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            return [rowid for (rowid,) in cursor.fetchall()]
