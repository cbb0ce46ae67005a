"""The text COPY's own adaptation of JSON and timestamp columns (PostgreSQL): JSON values go as
the text psycopg's Jsonb dumper makes of them and aware datetimes as their moment's text in UTC,
both built without psycopg's per-value dumpers (`influencers.services.imports.sql`). The rows
stored are the ones psycopg's own adaptation of the same values stores, for hostile values too,
and a value the server refuses is refused with the same error."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import DataError, connection, transaction
from django.utils import timezone

from influencers.models import Creator, Post
from influencers.services.imports.sql import BulkTable, StatementRunner
from tests.factories import AccountFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

POST_COLUMNS = ["account_id", "platform_post_id", "posted_at", "post_type", "paid_partnership", "shares"]
POST_COLUMNS += ["is_sponsored", "caption", "url", "hashtags", "mentions", "likes", "comments", "sponsor"]
POST_COLUMNS += ["sponsorship_source", "sponsorship_marker"]
# What COPY's text format and JSON must escape, and what UTF-8 spells in 3 and 4 bytes.
HOSTILE = ["tab\there", "new\nline", "cr\rlf\r\n", "back\\slash", "\\N", "\\", 'quote"d', "\b\f\v", "😀𝄞", "中文", ""]
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
UTC_PLUS_8 = dt.timezone(dt.timedelta(hours=8))
MOMENTS = [
    dt.datetime(2026, 1, 3, 10, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 1, 3, 10, 0, 0, 1, tzinfo=dt.UTC),
    dt.datetime(2026, 1, 3, 1, 30, 5, 120, tzinfo=UTC_PLUS_8),
    dt.datetime(2024, 3, 31, 2, 30, 59, 999999, tzinfo=ZoneInfo("Europe/Berlin")),  # the skipped hour
    dt.datetime(2024, 10, 27, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Berlin")),  # the repeated hour
    dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
    dt.datetime(999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(minutes=-30))),
    dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
]


def psycopg_adapted(monkeypatch: pytest.MonkeyPatch, table: BulkTable) -> BulkTable:
    """`table` with the COPY's adaptation as it was: psycopg's dumpers for JSON and datetimes."""
    monkeypatch.setattr(table, "copy_column_adapters", table.column_adapters)
    return table


def copy(table: BulkTable, columns: Sequence[Sequence[Any]]) -> None:
    runner = StatementRunner()
    try:
        table.insert_columns(columns, runner)
        runner.flush()
    finally:
        runner.close()


def stored_posts() -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            # The moment as microseconds since 1970: psycopg reads no timestamp after the year 9999.
            "SELECT platform_post_id, (extract(epoch FROM posted_at) * 1000000)::bigint, hashtags::text, "
            "mentions::text, caption "
            "FROM influencers_post ORDER BY platform_post_id"
        )
        return cursor.fetchall()


def delete_posts() -> None:
    # In SQL: the ORM's delete reads the rows, and psycopg reads no timestamp after the year 9999.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM influencers_post")


def post_columns(account_id: int, moments: Sequence[Any], hashtags: Sequence[Any]) -> list[list[Any]]:
    rows = [
        (account_id, f"p{index:03d}", moment, "image", None, None, False, "c", "", tags, ["@m"], 1, 2, "", "", "")
        for index, (moment, tags) in enumerate(zip(moments, hashtags, strict=True))
    ]
    return [list(column) for column in zip(*rows, strict=True)]


def stored_both_ways(monkeypatch: pytest.MonkeyPatch, columns: list[list[Any]]) -> tuple[list[Any], list[Any]]:
    copy(BulkTable(Post, POST_COLUMNS), columns)
    fast = stored_posts()
    delete_posts()
    copy(psycopg_adapted(monkeypatch, BulkTable(Post, POST_COLUMNS)), columns)
    return fast, stored_posts()


def test_hostile_json_and_moments_are_stored_as_psycopgs_adaptation_stores_them(monkeypatch):
    account = AccountFactory()
    lists: list[Any] = [[tag] for tag in HOSTILE] + [HOSTILE, ["#ad", "ad"], []]
    moments = (MOMENTS * 3)[: len(lists)]
    columns = post_columns(account.id, moments, lists)
    fast, psycopg = stored_both_ways(monkeypatch, columns)
    assert fast == psycopg
    assert [row[1] for row in fast] == [(moment - EPOCH) // dt.timedelta(microseconds=1) for moment in moments]
    assert [json.loads(row[2]) for row in fast] == lists


def test_columns_the_fast_texts_leave_to_psycopg_are_stored_the_same(monkeypatch):
    """A dict among the lists (unmemoised), a moment that is year 10000 in UTC and a naive moment
    (each leaving its whole column to psycopg) store what psycopg's adaptation stores."""
    account = AccountFactory()
    late = dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    for moments in ([*MOMENTS[:2], late], [*MOMENTS[:2], dt.datetime(2026, 1, 3, 10, 0)]):
        columns = post_columns(account.id, moments, [["a\tb"], {"not": "a list\n"}, [{"un": "hashable"}]])
        with timezone.override(dt.UTC):
            fast, psycopg = stored_both_ways(monkeypatch, columns)
        assert fast == psycopg
        delete_posts()


def test_json_and_moments_go_as_text_and_the_text_is_psycopgs():
    from psycopg.adapt import PyFormat

    table = BulkTable(Post, POST_COLUMNS)
    adapters = dict(table.copy_column_adapters)
    hashtags, posted_at = adapters[POST_COLUMNS.index("hashtags")], adapters[POST_COLUMNS.index("posted_at")]
    lists = [[tag] for tag in HOSTILE] + [HOSTILE]
    with connection.cursor() as cursor:
        transformer = cursor.cursor.adapters  # type: ignore[attr-defined]
        jsonb = [table.adapt("hashtags", value) for value in lists]
        dumper = transformer.get_dumper(type(jsonb[0]), PyFormat.TEXT)(type(jsonb[0]))
        assert [text.encode() for text in hashtags(lists)] == [bytes(dumper.dump(value)) for value in jsonb]
    texts = posted_at(MOMENTS)
    assert all(type(text) is str for text in texts)
    assert texts[:3] == ["2026-01-03 10:00:00+00", "2026-01-03 10:00:00.000001+00", "2026-01-02 17:30:05.000120+00"]


def test_a_json_value_the_server_refuses_gets_the_same_error(monkeypatch):
    account = AccountFactory()
    columns = post_columns(account.id, MOMENTS[:2], [["fine"], ["nul\x00"]])  # jsonb has no \u0000

    def refusal(table: BulkTable) -> tuple[str, str]:
        with pytest.raises(DataError) as caught, transaction.atomic():
            copy(table, columns)
        diag = caught.value.__cause__.diag  # type: ignore[union-attr]
        return diag.sqlstate, diag.message_primary

    assert refusal(BulkTable(Post, POST_COLUMNS)) == refusal(
        psycopg_adapted(monkeypatch, BulkTable(Post, POST_COLUMNS))
    )
    assert not Post.objects.exists()


def test_the_constant_timestamps_of_new_rows_are_stored_to_the_microsecond(monkeypatch):
    """created_at and updated_at, which the writer passes adapted (one value for the import)."""
    now = dt.datetime(2026, 12, 7, 15, 5, 19, 368368, tzinfo=dt.UTC)
    names = ["display_name", "country", "languages", "categories", "contact_email", "notes"]
    names += ["worst_fake_risk", "worst_risk_level", "created_at", "updated_at"]
    rows = [(f"c{n}", "JP", ["zh", "en"], [], "", "", None, "", now, now) for n in range(3)]
    columns = [list(column) for column in zip(*rows, strict=True)]
    table = BulkTable(Creator, names, adapted=["created_at", "updated_at"])
    copy(table, columns)
    fast = sorted(Creator.objects.values_list("display_name", "languages", "created_at", "updated_at"))
    Creator.objects.all().delete()
    copy(psycopg_adapted(monkeypatch, BulkTable(Creator, names, adapted=["created_at", "updated_at"])), columns)
    assert fast == sorted(Creator.objects.values_list("display_name", "languages", "created_at", "updated_at"))
    assert {row[2] for row in fast} == {now}
