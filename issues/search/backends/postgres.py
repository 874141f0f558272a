"""PostgreSQL: a tsvector column (to_tsvector('simple', analyzed text), weighted per
field with setweight) on the entry table and a GIN index; it finds entries, the
re-rank scores them.

The query is an OR of plainto_tsquery('simple', token), one bound parameter per
analyzer token: no user text is ever parsed as tsquery syntax.
"""

from collections.abc import Iterable, Sequence

from django.db import connection

from issues.search.backends.base import FIELDS, SearchBackend, entry_field_texts
from issues.search.weights import PG_PROBE_ROWS, PG_WEIGHT_CLASS

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

    def _holding_every(self, groups, *, public_only, restrict, limit):
        """Driven by the rarest term first, then, if that does not fill the list, the
        whole query through the index.

        GIN answers an AND by reading the posting list of every token in it, so a
        query of common words costs as much as its commonest word. Words typed
        together mostly occur together, so the entries holding the rarest term are
        read (at most PG_PROBE_ROWS of them) and checked for the rest, which stops
        after ``limit`` found. When they are too few, the full query answers.
        """
        if len(groups) > 1:
            driver, driver_params = self.all_of(groups[:1])
            expression, params = self.all_of(groups)
            where, extra = self._conditions(public_only, restrict)
            sql = (
                f"SELECT p.id FROM (SELECT e.id, e.document FROM {TABLE} e "  # noqa: S608 - constants
                f"WHERE e.document @@ ({driver}){where} LIMIT %s) p "
                f"WHERE p.document @@ ({expression}) LIMIT %s"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [*driver_params, *extra, PG_PROBE_ROWS, *params, limit])
                found = [pk for (pk,) in cursor.fetchall()]
            if len(found) >= limit:
                return found
        return super()._holding_every(
            groups, public_only=public_only, restrict=restrict, limit=limit
        )

    @staticmethod
    def _conditions(public_only, restrict) -> tuple[str, list]:
        where, params = "", []
        if public_only:
            where += " AND e.is_public"
        if restrict:
            where += f" AND e.id IN ({restrict[0]})"
            params += list(restrict[1])
        return where, params

    def _matching(self, expression, params, *, public_only, restrict, limit):
        # The tsquery is written into the statement (its tokens bound), not in a CTE,
        # so the planner sees how common they are: a sequential scan that stops after
        # ``limit`` rows when most entries match, the GIN index when few do.
        where, extra = self._conditions(public_only, restrict)
        sql = f"SELECT e.id FROM {TABLE} e WHERE e.document @@ ({expression}){where} LIMIT %s"  # noqa: S608 - constants
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *extra, limit])
            return [pk for (pk,) in cursor.fetchall()]
