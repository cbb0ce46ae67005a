"""Keyword search reads its relevance tiers from the index: "every word in the names" and "every
word in the bio and categories" (influencers.selectors.keyword.keyword_tier_candidates), so a
common word fills discovery's first page from its few best accounts instead of ranking all its
matches.

- PostgreSQL: pg_trgm GIN indexes over `names` and over `about` alone (the one of migration 0010
  covers the whole text, where a word in a post cannot be told from one in a name).
- SQLite: a second FTS5 trigram table over `names` and `about` only, kept by triggers like the
  one of migration 0010. That one has these columns too (`names : "word"`), but a column filter
  still reads the whole posting list of every trigram: 36 ms for `names : "vlog"` at 100k
  creators, where this table's lists are a few times shorter.
"""

from django.db import migrations

DOC = "influencers_accountsearchtext"
FTS = "influencers_accountsearch_fts"
HEAD_FTS = "influencers_accountsearch_head_fts"
PARTS = ("names", "about")
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {HEAD_FTS} USING fts5(names, about, content='{DOC}', "
    "content_rowid='account_id', tokenize='trigram')",
    f"CREATE TRIGGER {HEAD_FTS}_ai AFTER INSERT ON {DOC} BEGIN "
    f"INSERT INTO {HEAD_FTS}(rowid, names, about) VALUES (new.account_id, new.names, new.about); END",
    f"CREATE TRIGGER {HEAD_FTS}_ad AFTER DELETE ON {DOC} BEGIN "
    f"INSERT INTO {HEAD_FTS}({HEAD_FTS}, rowid, names, about) "
    "VALUES ('delete', old.account_id, old.names, old.about); END",
    # Only when these parts change: an import rewrites every account's posts far more often.
    f"CREATE TRIGGER {HEAD_FTS}_au AFTER UPDATE ON {DOC} "
    "WHEN old.names IS NOT new.names OR old.about IS NOT new.about BEGIN "
    f"INSERT INTO {HEAD_FTS}({HEAD_FTS}, rowid, names, about) "
    "VALUES ('delete', old.account_id, old.names, old.about); "
    f"INSERT INTO {HEAD_FTS}(rowid, names, about) VALUES (new.account_id, new.names, new.about); END",
    f"INSERT INTO {HEAD_FTS}({HEAD_FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {HEAD_FTS}_{t}" for t in ("ai", "ad", "au")] + [
    f"DROP TABLE IF EXISTS {HEAD_FTS}"
]


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Only beside migration 0010's table (SQLite without FTS5 trigram scans instead).
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS])
            if cursor.fetchone() is not None:
                for sql in SQLITE_CREATE:
                    cursor.execute(sql)
            return
        if connection.vendor != "postgresql":
            return
        for part in PARTS:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS influencers_search_{part}_trgm ON {DOC} USING gin ({part} gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_DROP:
                cursor.execute(sql)
            return
        if connection.vendor != "postgresql":
            return
        for part in PARTS:
            cursor.execute(f"DROP INDEX IF EXISTS influencers_search_{part}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0012_creator_partner_terms"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
