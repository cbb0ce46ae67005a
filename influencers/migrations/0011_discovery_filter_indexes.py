"""Indexes for the discovery filters and sorts that read every creator or every sponsored post
(bench/discovery_explain.py at 100k creators, before → after in docs/deploy.md):

- `language` / `category` match the quoted code in the JSON list's text
  (`UPPER(languages::text) LIKE '%"JA"%'`, the same SQL on SQLite and PostgreSQL). PostgreSQL had
  no statistics on that expression and guessed 0.3% of creators match where 37% do, so it read
  every creator and sorted them (~300 ms). Extended statistics on each expression give the real
  share (the planner then walks the followers index), and a pg_trgm GIN index on it answers the
  rare values (a language few creators speak).
- `worked_with` / `not_worked_with` test sponsored posts' sponsor, caption (case-insensitive
  regular expressions) and mentions: the partial index on sponsored posts now carries those
  columns (INCLUDE, PostgreSQL), so the test is an index-only scan instead of reading the pages
  of every sponsored post (most of the post table's pages: 8% of posts, spread over all of it).
- The creator-field sorts (name, -name, -created) walk an index (the model's Meta.indexes).

SQLite (the embedded default) gets the sort indexes only: it has no trigram GIN index, and its
plans for these filters are a scan of the creators either way.
"""

from django.db import migrations, models

TRGM = "gin_trgm_ops"
PG_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The expressions must stay the SQL Django writes for `languages__icontains` /
    # `categories__icontains` (influencers.filters.CreatorFilterSet.filter_json_list) and for
    # partner_post_q's lookups (influencers.selectors.partners).
    f"CREATE INDEX creator_languages_trgm ON influencers_creator USING gin ((UPPER(languages::text)) {TRGM})",
    f"CREATE INDEX creator_categories_trgm ON influencers_creator USING gin ((UPPER(categories::text)) {TRGM})",
    "CREATE STATISTICS creator_languages_text_stats ON (UPPER(languages::text)) FROM influencers_creator",
    "CREATE STATISTICS creator_categories_text_stats ON (UPPER(categories::text)) FROM influencers_creator",
    "ANALYZE influencers_creator",
]
PG_DROP = [
    "DROP INDEX IF EXISTS creator_languages_trgm",
    "DROP INDEX IF EXISTS creator_categories_trgm",
    "DROP STATISTICS IF EXISTS creator_languages_text_stats",
    "DROP STATISTICS IF EXISTS creator_categories_text_stats",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def install(apps, schema_editor):
    _run(schema_editor, PG_CREATE)


def uninstall(apps, schema_editor):
    _run(schema_editor, PG_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0010_keyword_search_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="post", name="post_sponsored_account_idx"),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(
                condition=models.Q(("is_sponsored", True)),
                fields=["account"],
                include=["sponsor", "caption", "mentions"],
                name="post_sponsored_partner_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="creator",
            index=models.Index(models.F("display_name"), models.F("id"), name="creator_name_idx"),
        ),
        migrations.AddIndex(
            model_name="creator",
            index=models.Index(
                models.OrderBy(models.F("display_name"), descending=True), models.F("id"), name="creator_name_desc_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="creator",
            index=models.Index(
                models.OrderBy(models.F("created_at"), descending=True), models.F("id"), name="creator_created_desc_idx"
            ),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
