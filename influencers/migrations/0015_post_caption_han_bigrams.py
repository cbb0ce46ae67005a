"""Brand safety searches recent captions for a brand's excluded terms (`vetting.services.
brand_safety._safety_query`); the pg_trgm indexes of migration 0014 serve a term only when it has
a trigram (3 letters or digits in a row), so a two-character Chinese term such as "赌博" made the
whole OR a sequential scan that upper-cased every recent caption for the other terms. This GIN
index holds each caption's Han character bigrams (every two adjacent Han characters, the same
ranges as `brand_safety._HAN`), so such a term is a bitmap arm like the others:
`influencers_han_bigrams(caption) @> '{赌博}'`, with the substring test kept as the recheck.

The function is PL/pgSQL (an SQL function was ~1.6x slower per caption): a caption with no two
adjacent Han characters returns at once after one regex test. At 100k creators (550k posts, 220k
with Han characters) the index took 1.8 s to build and is under 1 MB (the bench's captions share
few bigrams); the bigrams of every caption cost ~1.7 s, ~3 µs per post, and inserting 55k posts
took 3.3-4.2 s with the index against 3.0-3.5 s without (the GIN pending list takes the writes;
docs/scale-performance.md, "A brand's first ranking without stored hits"). SQLite keeps its scan: nothing is
created there.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION influencers_han_bigrams(caption text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  IF caption !~ '[\u4e00-\u9fff\u3400-\u4dbf]{2}' THEN
    RETURN '{}';
  END IF;
  RETURN ARRAY(
    SELECT substr(run, i, 2)
    FROM regexp_split_to_table(caption, '[^\u4e00-\u9fff\u3400-\u4dbf]+') AS run,
         generate_series(1, length(run) - 1) AS i
  );
END
$$
"""
INDEX = "influencers_post_caption_han_bigrams"


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION)
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON influencers_post USING gin (influencers_han_bigrams(caption))"
        )


def drop_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        cursor.execute("DROP FUNCTION IF EXISTS influencers_han_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0014_post_safety_trgm_indexes"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
