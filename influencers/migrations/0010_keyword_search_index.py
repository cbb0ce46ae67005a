"""Keyword search gets a real index: each account's search text (AccountSearchText, written by
influencers.services.search_index) indexed by the database's own engine.

- SQLite: an FTS5 table with the trigram tokenizer over the text table (external content, kept in
  step by triggers). SQLite without FTS5 or older than 3.34 (no trigram tokenizer) gets no table
  and search scans the text table (influencers.selectors.keyword.fts_available).
- PostgreSQL: pg_trgm's GIN index over the whole text (substring matches: Chinese, partial
  handles).

The text of existing accounts is written here (a few seconds per 100k accounts).
"""

import django.db.models.deletion
from django.db import migrations, models

FTS = "influencers_accountsearch_fts"
DOC = "influencers_accountsearchtext"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(names, about, posts, content='{DOC}', "
    "content_rowid='account_id', tokenize='trigram')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {DOC} BEGIN "
    f"INSERT INTO {FTS}(rowid, names, about, posts) "
    "VALUES (new.account_id, new.names, new.about, new.posts); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {DOC} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, names, about, posts) "
    "VALUES ('delete', old.account_id, old.names, old.about, old.posts); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE ON {DOC} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, names, about, posts) "
    "VALUES ('delete', old.account_id, old.names, old.about, old.posts); "
    f"INSERT INTO {FTS}(rowid, names, about, posts) "
    "VALUES (new.account_id, new.names, new.about, new.posts); END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {FTS}_{t}" for t in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {FTS}"]

PG_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The expression must stay the one influencers.selectors.keyword.PG_TEXT queries.
    f"CREATE INDEX influencers_search_text_trgm ON {DOC} "
    "USING gin ((names || ' ' || about || ' ' || posts) gin_trgm_ops)",
]
PG_DROP = ["DROP INDEX IF EXISTS influencers_search_text_trgm"]


def _sqlite_has_fts5_trigram(cursor) -> bool:
    try:
        cursor.execute("CREATE VIRTUAL TABLE temp.vetted_fts5_probe USING fts5(x, tokenize='trigram')")
    except Exception:  # OperationalError: no such module fts5 / no such tokenizer trigram
        return False
    cursor.execute("DROP TABLE temp.vetted_fts5_probe")
    return True


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            statements = SQLITE_CREATE if _sqlite_has_fts5_trigram(cursor) else []
        elif connection.vendor == "postgresql":
            statements = PG_CREATE
        else:
            statements = []
        for sql in statements:
            cursor.execute(sql)


def drop_index(apps, schema_editor):
    connection = schema_editor.connection
    statements = {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def write_texts(apps, schema_editor):
    from influencers.services.search_index import index_accounts

    Account = apps.get_model("influencers", "Account")
    models = (Account, apps.get_model("influencers", "Post"), apps.get_model("influencers", "AccountSearchText"))
    index_accounts(Account.objects.values_list("pk", flat=True), models=models)


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0009_creator_worst_fake_risk"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountSearchText",
            fields=[
                (
                    "account",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_text",
                        serialize=False,
                        to="influencers.account",
                    ),
                ),
                ("names", models.TextField(blank=True)),
                ("about", models.TextField(blank=True)),
                ("posts", models.TextField(blank=True)),
            ],
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(write_texts, migrations.RunPython.noop),
    ]
