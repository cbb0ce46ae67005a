"""The history of public counters as one row per account (`AccountHistory`: dates and counts as
packed int64 arrays) instead of one `AccountSnapshot` row per account and day (issue 20: an
import's 90-day histories were 90 rows per account, whose inserts, index entries and foreign-key
checks cost more than the import's budget).

The existing snapshots are moved over account by account, in chunks; the reverse expands each
history into its rows again. The packing is written out here (not imported from
`influencers.history_arrays`), so this migration keeps the format it wrote whatever that module
becomes: little-endian int64, days since 1970-01-01, -1 for an unknown following or posts count.
"""

import datetime as dt

import numpy as np
from django.db import migrations, models

EPOCH = dt.date(1970, 1, 1)
UNKNOWN = -1
ACCOUNTS_PER_BATCH = 1000


def _packed(values):
    return np.array(values, dtype="<i8").tobytes()


def snapshots_to_histories(apps, schema_editor):
    snapshot_model = apps.get_model("influencers", "AccountSnapshot")
    history_model = apps.get_model("influencers", "AccountHistory")
    db = schema_editor.connection.alias
    rows = (
        snapshot_model.objects.using(db)
        .order_by("account_id", "date")
        .values_list("account_id", "date", "followers", "following", "posts")
        .iterator(chunk_size=20_000)
    )
    batch, current, points = [], None, []

    def flush_account():
        if current is not None:
            dates, followers, following, posts = zip(*points)
            batch.append(
                history_model(
                    account_id=current,
                    dates=_packed([(day - EPOCH).days for day in dates]),
                    followers=_packed(followers),
                    following=_packed([UNKNOWN if value is None else value for value in following]),
                    posts=_packed([UNKNOWN if value is None else value for value in posts]),
                )
            )

    for account_id, *point in rows:
        if account_id != current:
            flush_account()
            if len(batch) >= ACCOUNTS_PER_BATCH:
                history_model.objects.using(db).bulk_create(batch)
                batch = []
            current, points = account_id, []
        points.append(point)
    flush_account()
    history_model.objects.using(db).bulk_create(batch)


def histories_to_snapshots(apps, schema_editor):
    snapshot_model = apps.get_model("influencers", "AccountSnapshot")
    history_model = apps.get_model("influencers", "AccountHistory")
    db = schema_editor.connection.alias
    batch = []
    stored = history_model.objects.using(db).order_by("account_id")
    for account_id, *columns in stored.values_list("account_id", "dates", "followers", "following", "posts").iterator(
        chunk_size=ACCOUNTS_PER_BATCH
    ):
        days, followers, following, posts = (np.frombuffer(bytes(column), dtype="<i8").tolist() for column in columns)
        for day, follower_count, following_count, post_count in zip(days, followers, following, posts):
            batch.append(
                snapshot_model(
                    account_id=account_id,
                    date=EPOCH + dt.timedelta(days=day),
                    followers=follower_count,
                    following=None if following_count == UNKNOWN else following_count,
                    posts=None if post_count == UNKNOWN else post_count,
                )
            )
        if len(batch) >= 20_000:
            snapshot_model.objects.using(db).bulk_create(batch)
            batch = []
    snapshot_model.objects.using(db).bulk_create(batch)


# PostgreSQL: a 90-day history is ~2.9 KB a row, over the size at which the server compresses a
# row as it stores it; pglz, the default, cost 0.15 s of server CPU per 5,000 rows written, lz4
# 0.03 s for the same size on disk (and reads back faster). Where the server was built without
# lz4, the block does nothing (pglz as before).
HISTORY_LZ4 = """DO $history$
BEGIN
    IF EXISTS (SELECT FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)) THEN
        ALTER TABLE influencers_accounthistory
            ALTER COLUMN dates SET COMPRESSION lz4,
            ALTER COLUMN followers SET COMPRESSION lz4,
            ALTER COLUMN following SET COMPRESSION lz4,
            ALTER COLUMN posts SET COMPRESSION lz4;
    END IF;
END $history$"""


def history_compression(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(HISTORY_LZ4)


class Migration(migrations.Migration):
    dependencies = [
        ("influencers", "0018_count_checks_covered_by_fields"),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountHistory",
            fields=[
                (
                    "account",
                    models.OneToOneField(
                        on_delete=models.deletion.CASCADE,
                        primary_key=True,
                        related_name="history",
                        serialize=False,
                        to="influencers.account",
                    ),
                ),
                ("dates", models.BinaryField()),
                ("followers", models.BinaryField()),
                ("following", models.BinaryField()),
                ("posts", models.BinaryField()),
            ],
            options={"verbose_name_plural": "account histories"},
        ),
        migrations.RunPython(history_compression, migrations.RunPython.noop),
        migrations.RunPython(snapshots_to_histories, histories_to_snapshots),
        migrations.DeleteModel(name="AccountSnapshot"),
    ]
