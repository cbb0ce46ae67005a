"""PostgreSQL: a chunk's posts are read account by account (vetting.selectors.evidence
`_posts_per_account_sql`): through the (account, posted_at) index whatever the statistics,
which right after an import do not exist yet (the planner then took the array of ids for a
sequential scan of every post). Each post once, as the ORM read them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from influencers.models import Post
from tests.factories import AccountFactory, PostFactory
from vetting.selectors import evidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (set DATABASE_URL): SQLite reads the chunk's posts by one IN list")


def _catalogue(now: dt.datetime) -> list[int]:
    accounts = [AccountFactory() for _ in range(3)]
    for index, account in enumerate(accounts):
        for hours in range(4 + index):
            PostFactory(account=account, posted_at=now - dt.timedelta(hours=hours))
        PostFactory(account=account, posted_at=now + dt.timedelta(hours=1))  # not published yet
    return [account.pk for account in accounts]


def _orm_posts(account_ids: list[int], now: dt.datetime, limit: int | None = None) -> list[dict]:
    rows = list(
        Post.objects.filter(account_id__in=account_ids, posted_at__lte=now)
        .order_by("account_id", "-posted_at", "id")
        .values(*evidence.POST_FIELDS)
    )
    if limit is None:
        return rows
    return [row for row in rows if sum(r["account_id"] == row["account_id"] for r in rows[: rows.index(row)]) < limit]


def test_posts_read_by_account_are_those_the_orm_read_each_once():
    now = timezone.now()
    ids = _catalogue(now)
    doubled = [*ids, ids[0]]  # an id named twice still gives its posts once
    assert evidence.post_rows(doubled, until=now) == _orm_posts(ids, now)
    assert evidence.recent_post_rows(doubled, until=now, limit=5) == _orm_posts(ids, now, limit=5)


def _plan_nodes(plan: dict) -> list[tuple[str, str]]:
    nodes = [(plan["Node Type"], plan.get("Relation Name", ""))]
    for child in plan.get("Plans", []):
        nodes += _plan_nodes(child)
    return nodes


def test_posts_are_read_through_the_index_without_statistics(monkeypatch):
    now = timezone.now()
    ids = _catalogue(now)
    sent: list[tuple[str, list]] = []

    def keep(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        evidence.post_rows(ids, until=now)
        evidence.recent_post_rows(ids, until=now, limit=5)
    assert len(sent) == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = %s", [Post._meta.db_table])
        assert cursor.fetchone()[0] == 0  # never analysed, as after an import
        for sql, params in sent:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            nodes = _plan_nodes((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])
            assert ("Seq Scan", Post._meta.db_table) not in nodes, nodes
