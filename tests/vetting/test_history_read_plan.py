"""How SQLite runs the histories' read of vetting (`vetting.selectors.evidence.snapshot_histories`,
through `influencers.selectors.history.stored_histories`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from influencers.services.history import record_points
from tests.factories import AccountFactory
from vetting.selectors import evidence

pytestmark = pytest.mark.django_db


def test_histories_are_one_statement_searching_the_primary_key():
    # One row per account, found by its key: no scan of the table, whatever its size.
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: EXPLAIN QUERY PLAN")
    today = timezone.now().date()
    accounts = [AccountFactory() for _ in range(2)]
    for account in accounts:
        record_points(account.pk, [(today - dt.timedelta(days=d), 100 + d, 5, None) for d in range(3)])
    with CaptureQueriesContext(connection) as read:
        histories = evidence.snapshot_histories([a.pk for a in accounts], until=today)
    assert [len(histories[a.pk].columns[0]) for a in accounts] == [3, 3]
    (query,) = read.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = " / ".join(str(row[-1]) for row in cursor.fetchall())
    assert "SEARCH" in plan and "SCAN" not in plan, plan
