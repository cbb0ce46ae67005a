"""How SQLite runs the histories' read of vetting (`vetting.selectors.evidence.snapshot_histories`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from influencers.models import AccountSnapshot
from tests.factories import AccountFactory
from vetting.selectors import evidence

pytestmark = pytest.mark.django_db


def test_histories_are_grouped_as_the_index_gives_them_without_a_sort():
    # Grouping the rows of a subquery ordered by account and date put every snapshot of the
    # chunk through a temporary B-tree: two fifths of the read's time on SQLite.
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL reads a row per snapshot")
    today = timezone.now().date()
    accounts = [AccountFactory() for _ in range(2)]
    AccountSnapshot.objects.bulk_create(
        AccountSnapshot(account=a, date=today - dt.timedelta(days=d), followers=100 + d, following=5)
        for a in accounts
        for d in range(3)
    )
    with CaptureQueriesContext(connection) as read:
        histories = evidence.snapshot_histories([a.pk for a in accounts], until=today)
    assert [len(histories[a.pk][0]) for a in accounts] == [3, 3]
    (query,) = read.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = " / ".join(str(row[-1]) for row in cursor.fetchall())
    assert "TEMP B-TREE" not in plan, plan
    assert "USING INDEX" in plan, plan
