"""The posts' single-column index on account_id (Django's index of the foreign key) dropped: the
unique (account_id, platform_post_id) index and the (account_id, posted_at DESC) index both start
with the column, so every lookup by account is served by one of them (EXPLAIN on PostgreSQL of
the reads by account: the refresh's posts of an account with or without media, its existing
platform ids, the latest post before a date, a creator's posts and sponsored posts through their
accounts, the export's posts of a list of accounts, a per-account count over `= ANY(array)` and
the cascade's delete: each an index scan of one of the two, none a sequential scan), and each
inserted post wrote one more B-tree entry for nothing. As migration 0004 did for the snapshots.

Measured on the posts' COPY of `bench/import_bench.py --accounts 5000 --real-shape` (60,000
posts, server CPU of the backend): ~0.2-0.3 s of ~4.1 s. On SQLite too (Django drops the index
there as well): its unique index on (account_id, platform_post_id) serves the same lookups.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0016_han_bigrams_function_without_subquery"),
    ]

    operations = [
        migrations.AlterField(
            model_name="post",
            name="account",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="posts",
                to="influencers.account",
            ),
        ),
    ]
