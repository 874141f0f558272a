"""`python -m kbsite.dbcheck URL`: exit 0 when that PostgreSQL server answers.

Used by the Makefile to decide whether the PostgreSQL half of the suite can run.
It connects to the server's maintenance database, since the test database is
created by the test runner itself.
"""

import sys

import dj_database_url
import psycopg2


def postgres_reachable(url: str) -> bool:
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        print(f"not a PostgreSQL URL: {url}", file=sys.stderr)
        return False
    try:
        psycopg2.connect(
            dbname="postgres",
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError as exc:
        print(f"PostgreSQL unreachable: {exc}".strip(), file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    sys.exit(0 if postgres_reachable(sys.argv[1]) else 1)
