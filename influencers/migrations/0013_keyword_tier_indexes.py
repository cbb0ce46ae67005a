"""Keyword search reads its relevance tiers from the index: "every word in the names" and "every
word in the bio and categories" (influencers.selectors.keyword.keyword_tier_candidates), so a
common word fills discovery's first page from its few best accounts instead of ranking all its
matches.

- PostgreSQL: pg_trgm GIN indexes over `names` and over `about` alone (the one of migration 0010
  covers the whole text, where a word in a post cannot be told from one in a name).
- SQLite: nothing to add: the FTS5 table of migration 0010 already has these columns
  (`names : "word"`).
"""

from django.db import migrations

DOC = "influencers_accountsearchtext"
PARTS = ("names", "about")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for part in PARTS:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS influencers_search_{part}_trgm ON {DOC} USING gin ({part} gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for part in PARTS:
            cursor.execute(f"DROP INDEX IF EXISTS influencers_search_{part}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0012_creator_partner_terms"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
