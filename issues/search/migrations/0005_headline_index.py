"""PostgreSQL: a small tsvector of the title and symptoms with its own GIN index.

The every-term candidate stage asks it first (issues/search/backends/postgres.py),
so on a large index an entry whose title says what was typed is never left out
behind entries that only mention the words in their fix text. SQLite's FTS5 table
answers the same question with a column filter and needs nothing new.
"""

from django.db import migrations


def create_headline_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from issues.search.backends.postgres import HEADLINE_CREATE_SQL

        for statement in HEADLINE_CREATE_SQL:
            schema_editor.execute(statement)


def drop_headline_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from issues.search.backends.postgres import HEADLINE_DROP_SQL

        for statement in HEADLINE_DROP_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_search_term"),
    ]

    operations = [
        migrations.RunPython(create_headline_index, drop_headline_index),
    ]
