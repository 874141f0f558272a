"""The database's own full-text index, chosen by vendor. Both honour one contract:

``replace(entries)`` (index or re-index), ``remove(ids)``, ``clear()``,
``insert(columns, rows)`` (a rebuild's new entries written and indexed in bulk),
``matching_any(tokens, public_only=…, restrict=…, limit=…)`` and
``matching_all(conditions, …)`` → ``[entry_id]``, unscored (the re-rank scores them;
candidates.select decides what to ask). ``tokens`` come from the analyzer, never from
the user's raw text, and each is quoted by the backend.
"""

from django.db import connection

from issues.search.backends.base import SearchBackend


def get_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from issues.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from issues.search.backends.sqlite_fts5 import SQLiteFTS5Backend

        return SQLiteFTS5Backend()
    raise NotImplementedError(f"No search backend for {connection.vendor}.")
