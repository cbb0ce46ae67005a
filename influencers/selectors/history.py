"""Account histories and posts as the metrics and the vetting read them: each account's stored
history (`AccountHistory`), and a chunk's histories and posts as arrays (the metrics)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from operator import itemgetter
from typing import Any

import numpy as np
from django.db import connections

from core.sql import (
    ids_in,
    ids_params,
    is_postgresql,
    quoted_column,
    quoted_table,
    sqlite_utc_texts,
    unnest_sql,
    values_rows,
)
from influencers.history_arrays import COLUMNS, History, day_number, unpacked
from influencers.metrics.chunk import MISSING, time_of
from influencers.models import Account, AccountHistory, Post

_IDS_PER_QUERY = 2000
# How AccountHistory stores each column (`influencers.history_arrays`): little-endian int64.
_PACKED = np.dtype("<i8")


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


def stored_histories(account_ids: Iterable[int], *, for_update: bool = False) -> dict[int, History]:
    """The stored history of each of `account_ids` that has one (`AccountHistory`): one row per
    account, its columns unpacked without a copy. The one reader of the table (with
    `snapshot_arrays`, which reads the same rows by `_packed_rows` for a whole chunk); every other
    history reader here and in vetting goes through it.

    `for_update` (PostgreSQL; inside the writer's transaction): the rows read stay locked until
    it ends. A writer merges the points it has into the history it read and writes the whole row
    back, so two writers of one account (an import and a refresh, two imports) must not both
    read it first: the second waits and merges into the first one's history. An account with no
    history row has no row to lock: its account row is locked instead (in id order), then its
    history read again, so two writers creating one account's first history take turns too and
    the second merges into the first one's row instead of failing on its key. (SQLite has one
    writer at a time anyway.)"""
    ids = sorted(set(account_ids))
    connection = connections[AccountHistory.objects.db]
    locking = for_update and connection.vendor == "postgresql"
    out = _read_histories(connection, ids, locking=locking)
    without = [account_id for account_id in ids if account_id not in out]
    if locking and without:
        _lock_accounts(connection, without)
        out.update(_read_histories(connection, without, locking=True))
    return out


def _read_histories(connection: Any, ids: list[int], *, locking: bool) -> dict[int, History]:
    return {
        account_id: unpacked(*map(bytes, packed))
        for account_id, *packed in _packed_rows(connection, ids, locking=locking)
    }


def _packed_rows(connection: Any, ids: list[int], *, locking: bool) -> list[tuple[Any, ...]]:
    """The stored rows (account, then the packed columns) of the histories of `ids` that exist."""
    rows: list[tuple[Any, ...]] = []
    table, column = quoted_table(AccountHistory), partial(quoted_column, AccountHistory)
    columns = ", ".join(column(name) for name in ("account", *COLUMNS))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _IDS_PER_QUERY):
            chunk = ids[start : start + _IDS_PER_QUERY]
            cursor.execute(
                f"SELECT {columns} FROM {table} WHERE {ids_in(column('account'), len(chunk))}"
                + (" FOR UPDATE" if locking else ""),
                ids_params(chunk),
            )
            rows.extend(cursor.fetchall())
    return rows


def _lock_accounts(connection: Any, ids: list[int]) -> None:
    """PostgreSQL: lock the rows of accounts `ids` until the transaction ends, in id order (two
    writers locking overlapping sets in one order cannot deadlock on them)."""
    key = quoted_column(Account, "id")
    with connection.cursor() as cursor:
        for start in range(0, len(ids), _IDS_PER_QUERY):
            chunk = ids[start : start + _IDS_PER_QUERY]
            cursor.execute(
                f"SELECT {key} FROM {quoted_table(Account)} WHERE {ids_in(key, len(chunk))} ORDER BY {key} FOR UPDATE",
                ids_params(chunk),
            )


def snapshot_arrays(account_ids: Sequence[int], *, until: dt.date) -> np.ndarray:
    """Every point of the histories of `account_ids` dated `until` or earlier, ordered by account
    and date, as an int64 matrix: account id, day (days since 1970-01-01), followers, following,
    posts (`MISSING` for unknown).

    The stored rows' packed columns are joined end to end and read by one `np.frombuffer` each
    (the table read as `stored_histories` reads it, without a History per account): a History,
    its cut and a column_stack per account cost most of reading a chunk's histories."""
    connection = connections[AccountHistory.objects.db]
    rows = sorted(_packed_rows(connection, sorted(set(account_ids)), locking=False), key=itemgetter(0))
    if not rows:
        return _int_matrix([], 5)
    days, followers, following, posts = (
        np.frombuffer(b"".join(map(itemgetter(index), rows)), dtype=_PACKED).astype(np.int64, copy=False)
        for index in range(1, 1 + len(COLUMNS))
    )
    owners = np.array([row[0] for row in rows], dtype=np.int64)
    sizes = np.array([len(row[1]) for row in rows], dtype=np.int64) // _PACKED.itemsize
    table = np.column_stack([np.repeat(owners, sizes), days, followers, following, posts])
    # Each history is by date: the points up to `until` are a prefix of each account's rows.
    kept = days <= day_number(until)
    return table if bool(kept.all()) else table[kept]


def _sqlite_columns(
    connection: Any,
    columns: list[str],
    where: str,
    params: list[Any],
    *,
    with_sql: str = "",
) -> list[str] | None:
    """Each of `columns` over the rows of `where` joined into one comma-separated text by
    group_concat (None: no row), which numpy parses in C: half the cost of fetching a chunk's
    rows as tuples. The columns' texts list the rows in one order (each row's values at the same
    place in each), not a given one: callers sort."""
    selected = ", ".join(f"{column} AS c{i}" for i, column in enumerate(columns))
    joined = ", ".join(f"group_concat(c{i})" for i in range(len(columns)))
    with connection.cursor() as cursor:
        cursor.execute(f"{with_sql}SELECT {joined} FROM (SELECT {selected} {where})", params)
        texts = cursor.fetchone()
    return None if texts[0] is None else list(texts)


def _int_columns(texts: list[str]) -> np.ndarray:
    return np.stack([np.fromstring(text, sep=",", dtype=np.int64) for text in texts], axis=1)


def accounts_newest_posts(account_ids: Sequence[int], *, until: dt.datetime) -> tuple[dict[int, str], dict[int, int]]:
    """Each existing account of `account_ids` with its platform, and the time (µs since 1970-01-01
    UTC) of its newest post no later than `until` (accounts without one left out): one query,
    where the posts of the windows ending there start (`post_arrays_since`). Plain SQL, the times
    read as UTC text numpy parses: the ORM's query and its converter and a timedelta per account
    cost more than the query itself."""
    connection = connections[Account.objects.db]
    account, post = quoted_table(Account), quoted_table(Post)
    posted_at = quoted_column(Post, "posted_at", post)
    key = quoted_column(Account, "id", account)
    newest = (
        f"SELECT {_utc_text_sql(posted_at, connection.vendor)} FROM {post} "
        f"WHERE {quoted_column(Post, 'account', post)} = {key} AND {posted_at} <= %s "
        f"ORDER BY {posted_at} DESC LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key}, {quoted_column(Account, 'platform', account)}, ({newest}) FROM {account} "
            f"WHERE {ids_in(key, len(account_ids))}",
            [connection.ops.adapt_datetimefield_value(until), *ids_params(account_ids)],
        )
        rows = cursor.fetchall()
    with_posts = [row for row in rows if row[2] is not None]
    times = _micros([row[2] for row in with_posts]).tolist()
    return {row[0]: row[1] for row in rows}, dict(zip((row[0] for row in with_posts), times, strict=True))


def post_arrays_since(since: Mapping[int, int], *, until: dt.datetime) -> tuple[np.ndarray, np.ndarray]:
    """`post_arrays` with each account's moment as µs since 1970-01-01 UTC: the bounds made for
    the whole chunk at once (SQLite: the text Django writes a time as, made by numpy)."""
    if not since:
        return post_arrays({}, until=until)
    connection = connections[Post.objects.db]
    moments = np.fromiter(since.values(), dtype=np.int64, count=len(since))
    bounds: list[Any] | None = None
    if connection.vendor == "sqlite" and connection.timezone is not None and connection.timezone_name == "UTC":
        # Compared as text with the stored times: the same text Django writes a time as.
        bounds = sqlite_utc_texts(moments)
    if bounds is None:
        adapt = connection.ops.adapt_datetimefield_value
        bounds = [adapt(time_of(moment)) for moment in moments.tolist()]
    return _post_arrays(list(since), bounds, until=until)


def post_arrays(since: Mapping[int, dt.datetime], *, until: dt.datetime) -> tuple[np.ndarray, np.ndarray]:
    """The posts of the accounts of `since` (account id → a moment) published after the account's
    moment and no later than `until`, ordered by account, newest first (then by id): their times
    (µs since 1970-01-01 UTC), and an int64 matrix of account id, likes, comments, saves, views,
    shares (`MISSING` for unknown). Each account's own lower bound, not the chunk's earliest: one
    account that stopped posting years ago would otherwise make the query read every post the
    others published since."""
    adapt = connections[Post.objects.db].ops.adapt_datetimefield_value
    return _post_arrays(list(since), [adapt(moment) for moment in since.values()], until=until)


def _post_arrays(accounts: list[int], bounds: list[Any], *, until: dt.datetime) -> tuple[np.ndarray, np.ndarray]:
    """`post_arrays` of `accounts`, each account's moment given as the database takes it (`bounds`)."""
    if not accounts:
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
    # SQLite: the bounds as a CTE joined on the account (PostgreSQL: `_posts_by_account_sql`);
    # in no order: the rows are sorted in numpy below (an ORDER BY sorted them in a temporary
    # B-tree first, 40 % of the query).
    where = (
        f"FROM {quoted_table(Post)} JOIN bounds ON bounds.account = {quote('account_id')} "
        f"AND {posted_at} > bounds.since WHERE {posted_at} <= %s"
    )
    adapt = connection.ops.adapt_datetimefield_value
    params: list[Any]
    if is_postgresql():
        bound_fields = [Post._meta.get_field("account"), Post._meta.get_field("posted_at")]
        bounds_sql = f"WITH bounds(account, since) AS (SELECT * FROM {unnest_sql(bound_fields)}) "  # type: ignore[arg-type]
        params = [accounts, bounds, adapt(until)]
    else:
        bounds_sql = f"WITH bounds(account, since) AS (VALUES {values_rows(2, len(accounts))}) "
        params = [value for pair in zip(accounts, bounds, strict=True) for value in pair] + [adapt(until)]
    if vendor == "sqlite":
        texts = _sqlite_columns(connection, columns, where, params, with_sql=bounds_sql)
        if texts is None:
            return np.zeros(0, dtype=np.int64), _int_matrix([], 6)
        micros, table = _micros(texts[0].split(",")), _int_columns(texts[1:])
        order = np.lexsort((table[:, 6], -micros, table[:, 0]))  # account, newest first, id
        return micros[order], table[order, :6]
    with connection.cursor() as cursor:
        cursor.execute(bounds_sql + _posts_by_account_sql(quote, columns), params)
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
        f"(SELECT {selected}, {posted_at} AS moment FROM {quoted_table(Post)} "
        f"WHERE {quote('account_id')} = bounds.account AND {posted_at} > bounds.since AND {posted_at} <= %s "
        f"OFFSET 0) p ORDER BY p.c1, p.moment DESC, p.c{len(columns) - 1}"
    )


HISTORY_FIELDS = ("date", "followers", "following", "posts")


def account_histories(
    account_ids: Iterable[int], *, fields: Sequence[str] = HISTORY_FIELDS
) -> dict[int, list[tuple[Any, ...]]]:
    """`fields` (of `HISTORY_FIELDS`) of every point of each of `account_ids`' histories, oldest
    first, as Python values (None for an unknown count); an account without any is absent. The
    whole history, for a profile's chart, an export and the watches."""
    if not set(fields) <= set(HISTORY_FIELDS):
        raise ValueError(f"not a history field: {sorted(set(fields) - set(HISTORY_FIELDS))}")
    picked = [HISTORY_FIELDS.index(name) for name in fields]
    out: dict[int, list[tuple[Any, ...]]] = {}
    for account_id, history in stored_histories(account_ids).items():
        if len(history):
            out[account_id] = [tuple(point[i] for i in picked) for point in history.points()]
    return out


def latest_followers(account_id: int) -> int | None:
    """The follower count of the account's newest point (None: it has none)."""
    history = stored_histories([account_id]).get(account_id)
    return int(history.followers[-1]) if history is not None and len(history) else None
