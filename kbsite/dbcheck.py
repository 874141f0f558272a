"""`python -m kbsite.dbcheck URL`: exit 0 when that PostgreSQL server answers.

Used by the Makefile to decide whether the PostgreSQL half of the suite can run.
It connects to the server's maintenance database, since the test database is
created by the test runner itself.
"""

import sys

import dj_database_url
import psycopg2


def maintenance_connection(url: str, *, connect_timeout: int = 3):
    """A connection to the server's `postgres` database, for the server named by `url`."""
    config = dj_database_url.parse(url)
    return psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        connect_timeout=connect_timeout,
    )


def postgres_reachable(url: str) -> bool:
    if dj_database_url.parse(url)["ENGINE"] != "django.db.backends.postgresql":
        print(f"not a PostgreSQL URL: {url}", file=sys.stderr)
        return False
    try:
        maintenance_connection(url).close()
    except psycopg2.OperationalError as exc:
        print(f"PostgreSQL unreachable: {exc}".strip(), file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    sys.exit(0 if postgres_reachable(sys.argv[1]) else 1)
