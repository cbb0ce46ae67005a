"""Migration 0019 moves each account's snapshot rows into its one AccountHistory row (packed
arrays, by date, -1 for unknown counts) and the reverse expands them into rows again."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.migrations import migrate_to

BEFORE = [("influencers", "0018_count_checks_covered_by_fields")]
AFTER = [("influencers", "0019_account_history")]
EPOCH = dt.date(1970, 1, 1)


def _arrays(row) -> list[list[int]]:
    return [np.frombuffer(bytes(column), dtype="<i8").tolist() for column in row]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_snapshots_become_one_history_per_account_and_back():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = migrate_to(BEFORE).loader.project_state(BEFORE).apps
        creator = apps.get_model("influencers", "Creator").objects.create(display_name="Before")
        account_model = apps.get_model("influencers", "Account")
        long = account_model.objects.create(creator=creator, platform="instagram", handle="long")
        short = account_model.objects.create(creator=creator, platform="tiktok", handle="short")
        empty = account_model.objects.create(creator=creator, platform="weibo", handle="empty")
        snapshots = apps.get_model("influencers", "AccountSnapshot").objects
        # Created out of date order: the history is by date whatever order the rows were written in.
        snapshots.create(account=long, date=dt.date(2020, 3, 2), followers=12, following=None, posts=7)
        snapshots.create(account=long, date=dt.date(2020, 3, 1), followers=10, following=5, posts=None)
        snapshots.create(account=long, date=dt.date(2026, 1, 31), followers=3_000_000_000, following=0, posts=0)
        snapshots.create(account=short, date=dt.date(1999, 12, 31), followers=0, following=1, posts=2)

        after = migrate_to(AFTER).loader.project_state(AFTER).apps
        history = after.get_model("influencers", "AccountHistory").objects
        stored = {
            account_id: _arrays(columns)
            for account_id, *columns in history.values_list("account_id", "dates", "followers", "following", "posts")
        }
        day = lambda *ymd: (dt.date(*ymd) - EPOCH).days  # noqa: E731
        assert stored == {
            long.pk: [
                [day(2020, 3, 1), day(2020, 3, 2), day(2026, 1, 31)],
                [10, 12, 3_000_000_000],
                [5, -1, 0],
                [-1, 7, 0],
            ],
            short.pk: [[day(1999, 12, 31)], [0], [1], [2]],
        }
        assert empty.pk not in stored

        before = migrate_to(BEFORE).loader.project_state(BEFORE).apps
        rows = before.get_model("influencers", "AccountSnapshot").objects.order_by("account_id", "date")
        assert list(rows.values_list("account_id", "date", "followers", "following", "posts")) == [
            (long.pk, dt.date(2020, 3, 1), 10, 5, None),
            (long.pk, dt.date(2020, 3, 2), 12, None, 7),
            (long.pk, dt.date(2026, 1, 31), 3_000_000_000, 0, 0),
            (short.pk, dt.date(1999, 12, 31), 0, 1, 2),
        ]
    finally:
        migrate_to(latest)


@pytest.mark.django_db
def test_the_history_columns_are_compressed_by_lz4_where_postgresql_has_it():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite stores blobs as they are")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        has_lz4 = cursor.fetchone()[0]
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute "
            "WHERE attrelid = 'influencers_accounthistory'::regclass "
            "AND attname IN ('dates', 'followers', 'following', 'posts')"
        )
        compression = dict(cursor.fetchall())
    assert compression == dict.fromkeys(("dates", "followers", "following", "posts"), "l" if has_lz4 else "")
