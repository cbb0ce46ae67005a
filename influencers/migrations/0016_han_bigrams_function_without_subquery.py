"""The Han-bigram function of migration 0015 (the expression of the posts' GIN index
`influencers_post_caption_han_bigrams`) rewritten without its subquery: every caption with two
adjacent Han characters ran `ARRAY(SELECT … FROM regexp_split_to_table(…), generate_series(…))`,
a query of its own through SPI for each inserted post. Now one PL/pgSQL loop over the array of
the caption's Han runs (`regexp_split_to_array`, one simple expression), appending each run's
bigrams in the same order: the function returns the same array as before for every caption
(order and repeats included), so the index built with the old one stays valid and is not
rebuilt, and the searches find the same posts.

Measured on this 2-core machine (server CPU of the backend, `/proc/<pid>/stat`, 2-3 runs each):
over the 60,000 captions of `bench/import_bench.py --real-shape` (12 words, six of them two-Han
words) the function took 1.1-1.5 s before, 0.5-0.6 s after (~20 → ~9 µs per caption); over
20,000 long Chinese captions (runs of 1-25 Han characters) 0.7-1.0 s → 0.53-0.55 s; over 200,000
awkward strings 0.6-0.7 s → 0.43-0.48 s. The posts' COPY of that bench (60,000 posts, all
indexes) went from 4.7 s to 4.1 s of server CPU (median of 3-5). Tried and dropped: one or two
`regexp_replace` passes writing the bigrams as text (lookbehind/lookahead on the Han classes):
2x faster on the bench's captions but 3x slower than the old function on long Chinese runs; a
loop over a run's characters as an array: no faster than `substr`. SQLite: nothing (no index
there).
"""

from importlib import import_module

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION influencers_han_bigrams(caption text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  run text;
  bigrams text[] := '{}';
BEGIN
  IF caption !~ '[\u4e00-\u9fff\u3400-\u4dbf]{2}' THEN
    RETURN '{}';
  END IF;
  FOREACH run IN ARRAY regexp_split_to_array(caption, '[^\u4e00-\u9fff\u3400-\u4dbf]+') LOOP
    FOR i IN 1 .. length(run) - 1 LOOP
      bigrams := bigrams || substr(run, i, 2);
    END LOOP;
  END LOOP;
  RETURN bigrams;
END
$$
"""

# Migration 0015's function, put back when this one is reversed (its own text, not a copy).
FORMER_FUNCTION = import_module("influencers.migrations.0015_post_caption_han_bigrams").FUNCTION


def _replace_with(function: str):
    def replace(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(function)

    return replace


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0015_post_caption_han_bigrams"),
    ]

    operations = [migrations.RunPython(_replace_with(FUNCTION), _replace_with(FORMER_FUNCTION))]
