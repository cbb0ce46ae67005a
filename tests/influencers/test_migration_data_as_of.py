"""Migration 0006 fills AccountMetrics.data_as_of of existing rows from their own data, so an
upgraded catalogue is not shown as undated (stale) until its next metrics refresh."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.migrations import migrate_to

BEFORE = [("influencers", "0005_models_moved_to_core_and_vetting")]
AFTER = [("influencers", "0006_metrics_data_as_of")]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_existing_metrics_get_the_date_of_their_newest_post_or_snapshot():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = migrate_to(BEFORE).loader.project_state(BEFORE).apps
        creator = apps.get_model("influencers", "Creator").objects.create(display_name="Before")
        account_model = apps.get_model("influencers", "Account")
        metrics_model = apps.get_model("influencers", "AccountMetrics")
        posted = account_model.objects.create(creator=creator, platform="instagram", handle="posted")
        counted = account_model.objects.create(creator=creator, platform="tiktok", handle="counted")
        empty = account_model.objects.create(creator=creator, platform="weibo", handle="empty")
        snapshot = apps.get_model("influencers", "AccountSnapshot").objects
        snapshot.create(account=posted, date=dt.date(2019, 5, 1), followers=10)
        snapshot.create(account=counted, date=dt.date(2019, 5, 1), followers=10)
        snapshot.create(account=counted, date=dt.date(2019, 6, 1), followers=12)
        apps.get_model("influencers", "Post").objects.create(
            account=posted, platform_post_id="p", posted_at=dt.datetime(2019, 5, 30, 9, tzinfo=dt.UTC)
        )
        for account in (posted, counted, empty):
            metrics_model.objects.create(account=account, followers=10)

        after = migrate_to(AFTER).loader.project_state(AFTER).apps
        dates = dict(after.get_model("influencers", "AccountMetrics").objects.values_list("account_id", "data_as_of"))
        assert dates == {posted.pk: dt.date(2019, 5, 30), counted.pk: dt.date(2019, 6, 1), empty.pk: None}
    finally:
        migrate_to(latest)
