"""PostgreSQL: the metrics read a chunk's posts account by account (influencers.selectors.history
`post_arrays`): through the (account, posted_at) index whatever the statistics, which right after
an import do not exist yet (the planner then hashed the join over every post of the table)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from influencers.models import Post
from influencers.selectors.history import post_arrays
from tests.factories import AccountFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (set DATABASE_URL): SQLite reads a chunk's posts by one join")


def _plan_nodes(plan: dict) -> list[tuple[str, str]]:
    nodes = [(plan["Node Type"], plan.get("Relation Name", ""))]
    for child in plan.get("Plans", []):
        nodes += _plan_nodes(child)
    return nodes


def test_a_chunks_posts_are_read_through_the_index_without_statistics():
    now = timezone.now()
    accounts = [AccountFactory() for _ in range(3)]
    for index, account in enumerate(accounts):
        for hours in range(3 + index):
            PostFactory(account=account, posted_at=now - dt.timedelta(hours=hours))
    since = {account.pk: now - dt.timedelta(days=30) for account in accounts}
    sent: list[tuple[str, list]] = []

    def keep(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        micros, table = post_arrays(since, until=now)
    assert table[:, 0].tolist() == [a.pk for a in accounts for _ in range(3 + accounts.index(a))]
    assert len(sent) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [Post._meta.db_table])
        assert cursor.fetchone()[0] == 0  # never analysed, as after an import
        cursor.execute("EXPLAIN (FORMAT JSON) " + sent[0][0], sent[0][1])
        plan = cursor.fetchone()[0]
    nodes = _plan_nodes((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])
    assert ("Seq Scan", Post._meta.db_table) not in nodes, nodes
