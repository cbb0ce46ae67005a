"""Account histories as the metrics and the vetting read them: each account's newest snapshots,
and a chunk's snapshots and posts as arrays (the metrics)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from influencers.metrics.chunk import MISSING
from influencers.models import AccountSnapshot, Post

# Columns whose values both database drivers already return as Django would (integers, and dates:
# psycopg natively, sqlite3 through the converter Django registers for the DATE type).
_PLAIN_FIELDS = frozenset({"id", "account_id", "date", "followers", "following", "posts"})
_FETCH_ROWS = 2000


def _driver_rows(queryset: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a values_list queryset of `_PLAIN_FIELDS` as the driver returns them: Django's
    per-value converters (a no-op for these columns) and result iterator were a third of reading
    an import's snapshot histories (90 rows per account, read by the metrics and by vetting)."""
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # a filter no row can match (an empty IN list): what the ORM returns then
        return
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(_FETCH_ROWS):
            yield from rows


def snapshot_count(until: dt.date) -> Subquery:
    """An annotation for Account querysets: how many snapshots the account has dated `until` or
    earlier (None: none). Read with the accounts, so `newest_snapshots` needs no query of its own
    to know which histories are longer than it keeps."""
    return Subquery(
        AccountSnapshot.objects.filter(account=OuterRef("pk"), date__lte=until)
        .order_by()
        .values("account")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def newest_snapshots(
    counts: Mapping[int, int | None], *, until: dt.date, limit: int, fields: Sequence[str]
) -> Iterator[tuple[Any, ...]]:
    """`fields` of the `limit` newest snapshots dated `until` or earlier of each account of
    `counts` (account id → its number of such snapshots, from `snapshot_count`), ordered by
    account and date.

    Accounts with at most `limit` snapshots are read whole by a plain range of the (account,
    date) index; only the longer histories go through a window function (ROW_NUMBER per account,
    newest first), in a second query when there are any. The window costs a sort of every row
    read: on SQLite it was twice the plain read for an import's 90-day histories. (A snapshot
    written between the count and the read is read too, as a read a moment later would.)"""
    short = [account for account, n in counts.items() if n and n <= limit]  # none: nothing to read
    long = [account for account, n in counts.items() if (n or 0) > limit]
    if short:
        rows = AccountSnapshot.objects.filter(account_id__in=short, date__lte=until).order_by("account_id", "date")
        if _PLAIN_FIELDS.issuperset(fields):
            yield from _driver_rows(rows.values_list(*fields))
        else:
            yield from rows.values_list(*fields)
    if long:
        newest_first = Window(RowNumber(), partition_by=F("account_id"), order_by=F("date").desc())
        yield from (
            AccountSnapshot.objects.filter(account_id__in=long, date__lte=until)
            .annotate(rn=newest_first)
            .filter(rn__lte=limit)
            .order_by("account_id", "date")
            .values_list(*fields)
        )


def _day_number_sql(column: str, vendor: str) -> str:
    """SQL for a DATE column as days since 1970-01-01 (an integer the driver returns as is)."""
    if vendor == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    # julianday of a date is a whole number of days plus .5, exact in a double.
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _utc_text_sql(column: str, vendor: str) -> str:
    """SQL for a timestamp column as ISO text in UTC, which numpy parses in C: Django's
    converters (SQLite) and psycopg's datetimes cost a Python object per value."""
    if vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
    return f"CAST({column} AS TEXT)"  # stored as naive UTC text; the cast drops the DATETIME converter


def _micros(texts: Sequence[str]) -> np.ndarray:
    """ISO times (UTC) as microseconds since 1970-01-01."""
    return np.array(texts, dtype="datetime64[us]").astype(np.int64)


def _int_matrix(rows: Sequence[tuple[Any, ...]], width: int) -> np.ndarray:
    return np.array(rows, dtype=np.int64).reshape(len(rows), width)


def snapshot_arrays(account_ids: Sequence[int], *, until: dt.date) -> np.ndarray:
    """Every snapshot dated `until` or earlier of `account_ids`, ordered by account and date, as
    an int64 matrix: account id, day (days since 1970-01-01), followers, following, posts
    (`MISSING` for unknown). One raw query, no Python object per value but the driver's."""
    if not account_ids:
        return _int_matrix([], 5)
    connection = connections[AccountSnapshot.objects.db]
    quote, vendor = connection.ops.quote_name, connection.vendor
    sql = (
        f"SELECT {quote('account_id')}, {_day_number_sql(quote('date'), vendor)}, {quote('followers')}, "
        f"COALESCE({quote('following')}, {MISSING}), COALESCE({quote('posts')}, {MISSING}) "
        f"FROM {quote(AccountSnapshot._meta.db_table)} "
        f"WHERE {quote('account_id')} IN ({', '.join(['%s'] * len(account_ids))}) AND {quote('date')} <= %s "
        f"ORDER BY {quote('account_id')}, {quote('date')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*account_ids, connection.ops.adapt_datefield_value(until)])
        return _int_matrix(cursor.fetchall(), 5)


def newest_post_time(until: dt.datetime) -> Subquery:
    """An annotation for Account querysets: when the account's newest post no later than `until`
    was published (None: no such post). Read with the accounts, so the posts of the windows
    ending there need no query of their own to know where to start."""
    return Subquery(
        Post.objects.filter(account=OuterRef("pk"), posted_at__lte=until).order_by("-posted_at").values("posted_at")[:1]
    )


def post_arrays(account_ids: Sequence[int], *, after: dt.datetime, until: dt.datetime) -> tuple[np.ndarray, np.ndarray]:
    """The posts of `account_ids` published after `after` and no later than `until`, ordered by
    account, newest first (then by id): their times (µs since 1970-01-01 UTC), and an int64
    matrix of account id, likes, comments, saves, views, shares (`MISSING` for unknown)."""
    if not account_ids:
        return np.zeros(0, dtype=np.int64), _int_matrix([], 6)
    connection = connections[Post.objects.db]
    quote, vendor = connection.ops.quote_name, connection.vendor
    posted_at = quote("posted_at")
    counts = ", ".join(f"COALESCE({quote(name)}, {MISSING})" for name in ("saves", "views", "shares"))
    sql = (
        f"SELECT {_utc_text_sql(posted_at, vendor)}, {quote('account_id')}, {quote('likes')}, {quote('comments')}, "
        f"{counts} FROM {quote(Post._meta.db_table)} "
        f"WHERE {quote('account_id')} IN ({', '.join(['%s'] * len(account_ids))}) "
        f"AND {posted_at} > %s AND {posted_at} <= %s "
        f"ORDER BY {quote('account_id')}, {posted_at} DESC, {quote('id')}"
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [*account_ids, adapt(after), adapt(until)])
        rows = cursor.fetchall()
    return _micros([row[0] for row in rows]), _int_matrix([row[1:] for row in rows], 6)
