"""Brand safety searches recent posts catalogue-wide for a brand's excluded words and competitors
(`vetting.services.brand_safety._safety_posts`: `caption__icontains` / `sponsor__icontains` OR'ed
together). On PostgreSQL Django writes `icontains` as `UPPER(col::text) LIKE UPPER('%term%')`, so
these pg_trgm GIN indexes are on the upper-cased expressions: with them the OR chain is a bitmap
OR of index scans instead of a sequential scan of every post, when each term has at least 3
characters (a shorter one yields no trigram, and the planner then scans the table as before).

At 100k creators (550k posts) building both took 2.9 s (caption 2.8 s, 27 MB; sponsor 0.2 s,
2 MB); inserting 55k posts took 2.2-2.3 s with them, 1.9-2.2 s without (the GIN pending list
absorbs the writes). The SQL of a brand with only long terms went from 273 to 133 ms (its 32k
posts found), from 275 to 33 ms for one with rarer terms (5k). SQLite keeps its scan.
"""

from django.db import migrations

INDEXES = {
    "influencers_post_caption_upper_trgm": "UPPER(caption) gin_trgm_ops",
    "influencers_post_sponsor_upper_trgm": "UPPER(sponsor::text) gin_trgm_ops",
}


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, expression in INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON influencers_post USING gin ({expression})")


def drop_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0013_keyword_tier_indexes"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
