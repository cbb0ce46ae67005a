"""Indexes for the discovery filters and sorts that read every creator
(bench/discovery_explain.py at 100k creators, before → after in docs/scale-performance.md):

- `language` / `category` match the quoted code in the JSON list's text
  (`UPPER(languages::text) LIKE '%"JA"%'`, the same SQL on SQLite and PostgreSQL). PostgreSQL had
  no statistics on that expression and guessed 0.3% of creators match where 37% do, so it read
  every creator and sorted them (~300 ms). Extended statistics on each expression give the real
  share (the planner then walks the followers index), and a pg_trgm GIN index on it answers the
  rare values (a language few creators speak).
- The creator-field sorts (name, -name, -created) walk an index (the model's Meta.indexes).
- `risk_level` / `max_fake_risk`: the creator-level risk level is stored on the creator
  (`Creator.worst_risk_level`) by 0009's triggers, extended here to keep it beside
  `worst_fake_risk`, so the filters compare two columns of the row instead of running two to four
  correlated subqueries over the creator's metrics for every row.

SQLite (the embedded default) gets the sort indexes and the stored risk level; it has no trigram
GIN index, and its plans for language/category are a scan of the creators as before.
"""

import importlib

from django.db import migrations, models

# 0009's statements: its triggers are replaced by ones that keep both columns, and put back on
# the way down.
V0009 = importlib.import_module("influencers.migrations.0009_creator_worst_fake_risk")
WORST = V0009.WORST
# The creator-level level of influencers/risk.py in SQL: the worst verdict, else "insufficient"
# when some account has no verdict ('unknown' is the older word for it), else "".
LEVEL = (
    "(SELECT CASE max(CASE m.risk_level WHEN 'high' THEN 4 WHEN 'medium' THEN 3 WHEN 'low' THEN 2 "
    "WHEN 'insufficient' THEN 1 WHEN 'unknown' THEN 1 ELSE 0 END) "
    "WHEN 4 THEN 'high' WHEN 3 THEN 'medium' WHEN 2 THEN 'low' WHEN 1 THEN 'insufficient' ELSE '' END "
    "FROM influencers_accountmetrics m JOIN influencers_account a ON a.id = m.account_id "
    "WHERE a.creator_id = {creator})"
)
PG_RISK = [
    f"""
CREATE OR REPLACE FUNCTION influencers_refresh_worst_risk(creator_ids bigint[]) RETURNS void AS $$
    UPDATE influencers_creator c SET worst_fake_risk = s.worst, worst_risk_level = s.level
    FROM (SELECT c2.id, {WORST.format(creator="c2.id")} AS worst, {LEVEL.format(creator="c2.id")} AS level
          FROM influencers_creator c2 WHERE c2.id = ANY(creator_ids)) s
    WHERE c.id = s.id AND (c.worst_fake_risk, c.worst_risk_level) IS DISTINCT FROM (s.worst, s.level)
$$ LANGUAGE sql;
""",
    # Every inserted metrics row now matters (an "insufficient" or unvetted one sets the level).
    """
CREATE OR REPLACE FUNCTION influencers_metrics_inserted() RETURNS trigger AS $$
BEGIN
    PERFORM influencers_refresh_worst_risk(ARRAY(
        SELECT DISTINCT a.creator_id FROM new_rows n JOIN influencers_account a ON a.id = n.account_id));
    RETURN NULL;
END $$ LANGUAGE plpgsql;
""",
]
PG_RISK_BACK = [s for s in V0009.POSTGRES if "CREATE FUNCTION influencers_refresh_worst_risk" in s or
                "CREATE FUNCTION influencers_metrics_inserted" in s]


def _sqlite_refresh(creator: str) -> str:
    return (
        f"UPDATE influencers_creator SET worst_fake_risk = {WORST.format(creator='influencers_creator.id')}, "
        f"worst_risk_level = {LEVEL.format(creator='influencers_creator.id')} WHERE id = {creator};"
    )


def _account_creator(row: str) -> str:
    return f"(SELECT creator_id FROM influencers_account WHERE id = {row}.account_id)"


SQLITE_RISK = [
    "CREATE TRIGGER influencers_metrics_inserted AFTER INSERT ON influencers_accountmetrics BEGIN "
    + _sqlite_refresh(_account_creator("NEW"))
    + " END",
    "CREATE TRIGGER influencers_metrics_updated AFTER UPDATE OF fake_risk, risk_level "
    "ON influencers_accountmetrics BEGIN " + _sqlite_refresh(_account_creator("NEW")) + " END",
    "CREATE TRIGGER influencers_metrics_deleted AFTER DELETE ON influencers_accountmetrics BEGIN "
    + _sqlite_refresh(_account_creator("OLD"))
    + " END",
    "CREATE TRIGGER influencers_account_moved AFTER UPDATE OF creator_id ON influencers_account BEGIN "
    + _sqlite_refresh("OLD.creator_id")
    + _sqlite_refresh("NEW.creator_id")
    + " END",
    "CREATE TRIGGER influencers_account_deleted AFTER DELETE ON influencers_account BEGIN "
    + _sqlite_refresh("OLD.creator_id")
    + " END",
]


def _sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


# SQLite rebuilds the creator table to add a column; triggers of other tables naming it would
# break the rename, so 0009's are dropped first (and put back last on the way down).
drop_sqlite_triggers = _sqlite(V0009.SQLITE_DROP)
restore_sqlite_triggers = _sqlite(V0009.SQLITE)


def install_risk_level(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = PG_RISK
    elif vendor == "sqlite":
        statements = SQLITE_RISK
    else:
        raise NotImplementedError(f"no Creator.worst_risk_level triggers for {vendor}")
    for statement in statements:
        schema_editor.execute(statement)
    # Existing creators, in one statement.
    schema_editor.execute(
        f"UPDATE influencers_creator SET worst_risk_level = {LEVEL.format(creator='influencers_creator.id')}"
    )


def uninstall_risk_level(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        statements = [s.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION") for s in PG_RISK_BACK]
    else:
        statements = V0009.SQLITE_DROP  # before the column goes (restore_sqlite_triggers: after)
    for statement in statements:
        schema_editor.execute(statement)

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
        migrations.RunPython(drop_sqlite_triggers, restore_sqlite_triggers, elidable=False),
        migrations.AddField(
            model_name="creator",
            name="worst_risk_level",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                help_text="Creator-level risk: the worst verdict among its accounts (high, medium, low), else "
                "insufficient when an account has too little evidence, else empty; maintained by the database",
                max_length=16,
            ),
        ),
        migrations.RunPython(install_risk_level, uninstall_risk_level, elidable=False),
    ]
