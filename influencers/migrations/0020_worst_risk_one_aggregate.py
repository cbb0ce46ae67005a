"""PostgreSQL: the creator-level risk (`Creator.worst_fake_risk`, `worst_risk_level`, kept by the
statement-level triggers of migrations 0009 and 0011) recomputed by one grouped aggregate over the
named creators' accounts and metrics, instead of four correlated subqueries per creator.

The function of 0011 ran the worst-risk and the level subqueries twice for each creator whose
values changed (once in the IS DISTINCT FROM filter, once in SET) and built a hash of the whole
creator table for every call; the vetting follow-up calls it once per chunk of 200 accounts (its
UPDATE of the metrics fires `influencers_metrics_updated`). Same values: the maximum over no row
is NULL, and an account without metrics adds a NULL level (0), so a creator without accounts or
metrics gets NULL and '' as before; ids named twice are grouped once. SQLite keeps its row-level
triggers (0011).
"""

import importlib

from django.db import migrations

V0011 = importlib.import_module("influencers.migrations.0011_discovery_filter_indexes")

# The level of 0011's LEVEL, over the grouped rows (m: the metrics; NULL when an account has none).
_LEVEL = (
    "CASE max(CASE m.risk_level WHEN 'high' THEN 4 WHEN 'medium' THEN 3 WHEN 'low' THEN 2 "
    "WHEN 'insufficient' THEN 1 WHEN 'unknown' THEN 1 ELSE 0 END) "
    "WHEN 4 THEN 'high' WHEN 3 THEN 'medium' WHEN 2 THEN 'low' WHEN 1 THEN 'insufficient' ELSE '' END"
)
REFRESH = f"""
CREATE OR REPLACE FUNCTION influencers_refresh_worst_risk(creator_ids bigint[]) RETURNS void AS $$
    UPDATE influencers_creator c SET worst_fake_risk = s.worst, worst_risk_level = s.level
    FROM (SELECT named.id,
                 max(m.fake_risk) FILTER (WHERE m.risk_level IN ('low', 'medium', 'high')) AS worst,
                 {_LEVEL} AS level
          FROM unnest(creator_ids) AS named(id)
          LEFT JOIN influencers_account a ON a.creator_id = named.id
          LEFT JOIN influencers_accountmetrics m ON m.account_id = a.id
          GROUP BY named.id) s
    WHERE c.id = s.id AND (c.worst_fake_risk, c.worst_risk_level) IS DISTINCT FROM (s.worst, s.level)
$$ LANGUAGE sql;
"""
# 0011's function (its own text), put back on the way down.
FORMER_REFRESH = next(s for s in V0011.PG_RISK if "FUNCTION influencers_refresh_worst_risk" in s)


def _replace_with(function: str):
    def replace(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(function)

    return replace


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0019_account_history"),
    ]

    operations = [migrations.RunPython(_replace_with(REFRESH), _replace_with(FORMER_REFRESH), elidable=False)]
