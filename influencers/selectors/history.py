"""Account histories as the metrics and the vetting read them: each account's newest snapshots,
and a chunk's snapshots and posts as arrays (the metrics)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from core.sql import ids_in, ids_params, is_postgresql, unnest_sql, values_rows
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
    (`MISSING` for unknown). One raw query, no Python object per value but the driver's (on
    SQLite not even those: `_sqlite_snapshot_arrays`)."""
    if not account_ids:
        return _int_matrix([], 5)
    connection = connections[AccountSnapshot.objects.db]
    quote = connection.ops.quote_name
    date = quote("date")
    where = (
        f"FROM {quote(AccountSnapshot._meta.db_table)} "
        f"WHERE {ids_in(quote('account_id'), len(account_ids))} AND {date} <= %s "
        f"ORDER BY {quote('account_id')}, {date}"
    )
    params = [*ids_params(account_ids), connection.ops.adapt_datefield_value(until)]
    counts = [f"COALESCE({quote(name)}, {MISSING})" for name in ("following", "posts")]
    if connection.vendor == "sqlite":
        columns = [quote("account_id"), date, quote("followers"), *counts]
        return _sqlite_snapshot_arrays(connection, columns, where, params)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('account_id')}, ({date} - DATE '1970-01-01'), {quote('followers')}, {', '.join(counts)} "
            + where,
            params,
        )
        return _int_matrix(cursor.fetchall(), 5)


def _sqlite_columns(
    connection: Any,
    columns: list[str],
    where: str,
    params: list[Any],
    *,
    with_sql: str = "",
    unseparated: int | None = None,
) -> list[str] | None:
    """Each of `columns` over the rows of `where` joined into one comma-separated text by
    group_concat (None: no row), which numpy parses in C: half the cost of fetching a chunk's
    rows as tuples (90 snapshot rows per account of an import); the column at `unseparated`
    (values of one width) is joined without separator. group_concat follows the subquery's
    order in practice, which SQLite does not promise, so callers sort again."""
    selected = ", ".join(f"{column} AS c{i}" for i, column in enumerate(columns))
    joined = ", ".join(
        f"group_concat(c{i}, '')" if i == unseparated else f"group_concat(c{i})" for i in range(len(columns))
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{with_sql}SELECT {joined} FROM (SELECT {selected} {where})", params)
        texts = cursor.fetchone()
    return None if texts[0] is None else list(texts)


def _int_columns(texts: list[str]) -> np.ndarray:
    return np.stack([np.fromstring(text, sep=",", dtype=np.int64) for text in texts], axis=1)


def _sqlite_snapshot_arrays(connection: Any, columns: list[str], where: str, params: list[Any]) -> np.ndarray:
    """`snapshot_arrays` on SQLite, through `_sqlite_columns`; `columns[1]` is the date column,
    read as its ISO texts run together (`_iso_day_numbers`): a fifth cheaper than having SQLite
    rewrite each date as a YYYYMMDD number for numpy to parse. Dates stored in another form
    (not written by Django) are read again as those numbers."""
    texts = _sqlite_columns(connection, columns, where, params, unseparated=1)
    if texts is None:
        return _int_matrix([], 5)
    dates = texts.pop(1)
    table = _int_columns(texts)
    days = _iso_day_numbers(dates, len(table))
    if days is not None:
        table = np.insert(table, 1, days, axis=1)
    else:
        numbered = [columns[0], f"replace({columns[1]}, '-', '')", *columns[2:]]
        table = _int_columns(_sqlite_columns(connection, numbered, where, params) or [])
        table[:, 1] = _day_numbers(table[:, 1])
    return table[np.lexsort((table[:, 1], table[:, 0]))]


# Where the digits of a YYYY-MM-DD date are, and its dashes.
_DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9]
_DATE_DASHES = [4, 7]


def _iso_day_numbers(dates: str, count: int) -> np.ndarray | None:
    """`count` YYYY-MM-DD dates run together (as Django writes a date column) as days since
    1970-01-01, or None when the text is not that."""
    raw = dates.encode()
    if len(raw) != 10 * count:
        return None
    chars = np.frombuffer(raw, dtype=np.uint8).reshape(count, 10)
    digits = chars[:, _DATE_DIGITS].astype(np.int64) - ord("0")
    if not (((digits >= 0) & (digits <= 9)).all() and (chars[:, _DATE_DASHES] == ord("-")).all()):
        return None
    yyyymmdd = digits @ np.array([10**7, 10**6, 10**5, 10**4, 1000, 100, 10, 1], dtype=np.int64)
    return _day_numbers(yyyymmdd)


def _day_numbers(yyyymmdd: np.ndarray) -> np.ndarray:
    """Dates written as YYYYMMDD integers as days since 1970-01-01."""
    year, month_day = np.divmod(yyyymmdd, 10000)
    month, day = np.divmod(month_day, 100)
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    return months.astype("datetime64[D]").astype(np.int64) + day - 1


def newest_post_time(until: dt.datetime) -> Subquery:
    """An annotation for Account querysets: when the account's newest post no later than `until`
    was published (None: no such post). Read with the accounts, so the posts of the windows
    ending there need no query of their own to know where to start."""
    return Subquery(
        Post.objects.filter(account=OuterRef("pk"), posted_at__lte=until).order_by("-posted_at").values("posted_at")[:1]
    )


def post_arrays(since: Mapping[int, dt.datetime], *, until: dt.datetime) -> tuple[np.ndarray, np.ndarray]:
    """The posts of the accounts of `since` (account id → a moment) published after the account's
    moment and no later than `until`, ordered by account, newest first (then by id): their times
    (µs since 1970-01-01 UTC), and an int64 matrix of account id, likes, comments, saves, views,
    shares (`MISSING` for unknown). Each account's own lower bound, not the chunk's earliest: one
    account that stopped posting years ago would otherwise make the query read every post the
    others published since."""
    if not since:
        return np.zeros(0, dtype=np.int64), _int_matrix([], 6)
    connection = connections[Post.objects.db]
    quote, vendor = connection.ops.quote_name, connection.vendor
    posted_at = quote("posted_at")
    columns = [
        _utc_text_sql(posted_at, vendor),
        quote("account_id"),
        quote("likes"),
        quote("comments"),
        *(f"COALESCE({quote(name)}, {MISSING})" for name in ("saves", "views", "shares")),
        quote("id"),
    ]
    # SQLite: the bounds as a CTE joined on the account (PostgreSQL: `_posts_by_account_sql`).
    where = (
        f"FROM {quote(Post._meta.db_table)} JOIN bounds ON bounds.account = {quote('account_id')} "
        f"AND {posted_at} > bounds.since WHERE {posted_at} <= %s "
        f"ORDER BY {quote('account_id')}, {posted_at} DESC, {quote('id')}"
    )
    adapt = connection.ops.adapt_datetimefield_value
    params: list[Any]
    if is_postgresql():
        bound_fields = [Post._meta.get_field("account"), Post._meta.get_field("posted_at")]
        bounds = f"WITH bounds(account, since) AS (SELECT * FROM {unnest_sql(bound_fields)}) "  # type: ignore[arg-type]
        params = [list(since), [adapt(moment) for moment in since.values()], adapt(until)]
    else:
        bounds = f"WITH bounds(account, since) AS (VALUES {values_rows(2, len(since))}) "
        params = [value for account, moment in since.items() for value in (account, adapt(moment))] + [adapt(until)]
    if vendor == "sqlite":
        texts = _sqlite_columns(connection, columns, where, params, with_sql=bounds)
        if texts is None:
            return np.zeros(0, dtype=np.int64), _int_matrix([], 6)
        micros, table = _micros(texts[0].split(",")), _int_columns(texts[1:])
        order = np.lexsort((table[:, 6], -micros, table[:, 0]))  # account, newest first, id
        return micros[order], table[order, :6]
    with connection.cursor() as cursor:
        cursor.execute(bounds + _posts_by_account_sql(quote, columns), params)
        rows = cursor.fetchall()
    return _micros([row[0] for row in rows]), _int_matrix([row[1:7] for row in rows], 6)


def _posts_by_account_sql(quote: Callable[[str], str], columns: Sequence[str]) -> str:
    """PostgreSQL: `columns` of the posts of each account of the CTE `bounds` published after its
    `since` and at the time parameter or earlier, one subquery per account (LATERAL), ordered as
    `post_arrays` returns them. Right after an import the posts have no statistics yet and the
    planner hashed the join over every post of the table for each chunk (50 ms for a chunk's 500
    accounts of 60,000 posts); a subquery per account goes through the (account, posted_at)
    index whatever the statistics. OFFSET 0 keeps it a subquery (not flattened into that join)."""
    posted_at = quote("posted_at")
    selected = ", ".join(f"{column} AS c{i}" for i, column in enumerate(columns))
    return (
        f"SELECT {', '.join(f'p.c{i}' for i in range(len(columns)))} FROM bounds CROSS JOIN LATERAL "
        f"(SELECT {selected}, {posted_at} AS moment FROM {quote(Post._meta.db_table)} "
        f"WHERE {quote('account_id')} = bounds.account AND {posted_at} > bounds.since AND {posted_at} <= %s "
        f"OFFSET 0) p ORDER BY p.c1, p.moment DESC, p.c{len(columns) - 1}"
    )


HISTORY_FIELDS = ("date", "followers", "following", "posts")


def account_histories(
    account_ids: Iterable[int], *, fields: Sequence[str] = HISTORY_FIELDS
) -> dict[int, list[tuple[Any, ...]]]:
    """`fields` (of `HISTORY_FIELDS`) of every snapshot of each of `account_ids`, oldest first;
    an account without any is absent. The whole history, for a profile's chart, an export and the
    watches: the one place besides the metrics' and vetting's column readers that knows how a
    history is stored, so storing it differently (issue 20: one row per account) changes these."""
    if not set(fields) <= set(HISTORY_FIELDS):
        raise ValueError(f"not a history field: {sorted(set(fields) - set(HISTORY_FIELDS))}")
    ids = sorted(set(account_ids))
    histories: dict[int, list[tuple[Any, ...]]] = {}
    if not ids:
        return histories
    rows = AccountSnapshot.objects.filter(account_id__in=ids).order_by("account_id", "date")
    for account_id, *values in _driver_rows(rows.values_list("account_id", *fields)):
        histories.setdefault(account_id, []).append(tuple(values))
    return histories


def latest_followers(account_id: int) -> int | None:
    """The follower count of the account's newest snapshot (None: it has none)."""
    newest = AccountSnapshot.objects.filter(account_id=account_id).order_by("-date")
    return newest.values_list("followers", flat=True).first()
