"""PostgreSQL: a tsvector column (to_tsvector('simple', analyzed text), weighted per
field with setweight) on the entry table, a GIN index, and ts_rank.

The query is an OR of plainto_tsquery('simple', token), one bound parameter per
analyzer token: no user text is ever parsed as tsquery syntax.
"""

from collections.abc import Iterable, Sequence

from django.db import connection

from issues.search.backends.base import FIELDS, SearchBackend, entry_field_texts
from issues.search.weights import PG_CLASS_WEIGHTS, PG_WEIGHT_CLASS

TABLE = "search_searchentry"
CREATE_SQL = [
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS document tsvector",
    f"CREATE INDEX IF NOT EXISTS search_entry_document_gin ON {TABLE} USING GIN (document)",
]
DROP_SQL = [
    "DROP INDEX IF EXISTS search_entry_document_gin",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS document",
]

_DOCUMENT_SQL = " || ".join(
    f"setweight(to_tsvector('simple', %s), '{PG_WEIGHT_CLASS[name]}')" for name in FIELDS
)
# Each token is its own bound parameter: user text is never parsed as tsquery syntax.
_ONE_WORD_QUERY = "plainto_tsquery('simple', %s)"
_RANK_WEIGHTS = "{" + ",".join(str(PG_CLASS_WEIGHTS[c]) for c in "DCBA") + "}"


class PostgresBackend(SearchBackend):
    def replace(self, entries: Sequence) -> None:
        rows = [(*entry_field_texts(entry).values(), entry.pk) for entry in entries]
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {TABLE} SET document = {_DOCUMENT_SQL} WHERE id = %s", rows)  # noqa: S608 - identifiers are constants; values are bound

    def remove(self, ids: Iterable[int]) -> None:
        # The tsvector lives on the entry row: deleting the entry removes it.
        return None

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET document = NULL")  # noqa: S608 - identifiers are constants; values are bound

    def any_of(self, tokens):
        return " || ".join([_ONE_WORD_QUERY] * len(tokens)), list(tokens)

    def all_of(self, groups):
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

    def _ranked(self, expression, params, *, public_only, restrict, limit, max_scored):
        where, params = ["e.document @@ q.query"], list(params)
        if public_only:
            where.append("e.is_public")
        if restrict:
            where.append(f"e.id IN ({restrict[0]})")
            params += list(restrict[1])
        # ts_rank runs on at most max_scored matching rows: the bound on work.
        sql = (
            f"WITH q AS (SELECT {expression} AS query) "  # noqa: S608 - constants
            f"SELECT m.id, ts_rank('{_RANK_WEIGHTS}', m.document, q.query) AS score "
            f"FROM (SELECT e.id, e.document FROM {TABLE} e, q "
            f"WHERE {' AND '.join(where)} LIMIT %s) m, q ORDER BY score DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, max_scored, limit])
            return [(pk, float(score)) for pk, score in cursor.fetchall()]
