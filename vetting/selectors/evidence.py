"""The catalogue rows vetting reads for a chunk of accounts, by plain SQL on the ORM's connection.

`vetting.services.reports.load_evidence` read them through querysets: for a chunk of 200 accounts
the ORM built each `IN (...)` list parameter by parameter (~10 lists per chunk, the comments'
one of ~2,400 post ids) and converted every value of every row (a snapshot's date through
Django's regex parser), which was a third of vetting an account of an import. Here each read is
one statement over the model's own table and column names, and only the values the drivers do
not already return as the ORM would are converted: datetimes made aware (SQLite returns them
naive), JSON decoded by the field. The rows, their order and their values are those of the
querysets they replace (tests/vetting/test_evidence_selector.py compares them). The histories
are read through `influencers.selectors.history.stored_histories` (one row of packed arrays per
account) and come back as columns, which is how the scorers read them
(`vetting.services.reports._history_columns`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from operator import attrgetter, itemgetter, methodcaller
from typing import Any, NamedTuple

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.utils.dateparse import parse_datetime

from core.sql import ids_in, ids_params
from core.sql import quoted_column as _column  # short names: this module's SQL is dense with them
from core.sql import quoted_table as _table
from influencers.metrics.chunk import MISSING
from influencers.models import (
    Account,
    AccountMetrics,
    AudienceProfile,
    CommentSample,
    Creator,
    FollowerSample,
    Post,
)
from influencers.selectors.history import stored_histories

_FETCH_ROWS = 2000


def _select_in(
    model: type[Model], columns: Sequence[str], key: str, count: int, order: Sequence[str], also: str = ""
) -> str:
    """SELECT `columns` (SQL) of `model`'s rows whose field `key` is one of `count` parameters
    (and `also`, SQL), ordered by the fields `order` (descending: named with a leading -)."""
    where = ids_in(_column(model, key), count) + (f" AND {also}" if also else "")
    ordering = (_column(model, name.lstrip("-")) + (" DESC" if name.startswith("-") else "") for name in order)
    return f"SELECT {', '.join(columns)} FROM {_table(model)} WHERE {where} ORDER BY {', '.join(ordering)}"


def _rows(
    sql: str, params: Sequence[Any], convert: Callable[[tuple[Any, ...]], tuple[Any, ...]] | None = None
) -> Iterator[tuple[Any, ...]]:
    """The rows of `sql`, each through `convert` when given (a batch at a time)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(_FETCH_ROWS):
            yield from (rows if convert is None else map(convert, rows))


def _to_aware() -> Callable[[Any], dt.datetime | None]:
    """A converter of DateTimeField values to what the ORM returns: aware (SQLite's driver returns
    the stored UTC time naive, or as text where a subquery hid the column's type). Made once per
    read: the connection's time zone is a lookup through the connection handler."""
    zone = connection.timezone if settings.USE_TZ else None

    def aware(value: Any) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = parse_datetime(value)
        if zone is not None and value.tzinfo is None:
            value = value.replace(tzinfo=zone)  # what timezone.make_aware does, without its checks
        return value

    return aware


def _json(value: Any) -> Any:
    """A JSONField value as the ORM returns it: both backends hand the JSON text to the field
    (Django keeps psycopg from decoding jsonb), which decodes it."""
    return json.loads(value) if isinstance(value, str) else value


def _datetime_param(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def account_rows(account_ids: Sequence[int], *, until: dt.datetime) -> list[tuple[Any, ...]]:
    """(pk, platform, handle, bio, creator languages, posts published `until` or earlier, has
    metrics, metrics followers, engagement_rate, er_formula, er_posts_used, data_as_of) of each
    existing account of `account_ids`, by pk. (How many points each history has comes with the
    history: `snapshot_histories`.)"""
    if not account_ids:
        return []
    a, c, m, p = "a", "c", "m", "p"
    sql = (
        f"SELECT {_column(Account, 'id', a)}, {_column(Account, 'platform', a)}, {_column(Account, 'handle', a)}, "
        f"{_column(Account, 'bio', a)}, {_column(Creator, 'languages', c)}, "
        f"(SELECT COUNT(*) FROM {_table(Post)} {p} WHERE {_column(Post, 'account', p)} = "
        f"{_column(Account, 'id', a)} AND {_column(Post, 'posted_at', p)} <= %s), "
        f"{_column(AccountMetrics, 'account', m)}, {_column(AccountMetrics, 'followers', m)}, "
        f"{_column(AccountMetrics, 'engagement_rate', m)}, {_column(AccountMetrics, 'er_formula', m)}, "
        f"{_column(AccountMetrics, 'er_posts_used', m)}, {_column(AccountMetrics, 'data_as_of', m)} "
        f"FROM {_table(Account)} {a} "
        f"JOIN {_table(Creator)} {c} ON {_column(Creator, 'id', c)} = {_column(Account, 'creator', a)} "
        f"LEFT JOIN {_table(AccountMetrics)} {m} "
        f"ON {_column(AccountMetrics, 'account', m)} = {_column(Account, 'id', a)} "
        f"WHERE {ids_in(_column(Account, 'id', a), len(account_ids))} ORDER BY {_column(Account, 'id', a)}"
    )
    out = []
    for pk, platform, handle, bio, langs, posts, metrics_id, *metrics in _rows(
        sql, [_datetime_param(until), *ids_params(account_ids)]
    ):
        out.append((pk, platform, handle, bio, _json(langs), posts, metrics_id is not None, *metrics))
    return out


HistoryColumns = tuple[list[dt.date], list[int], list[int | None]]


class ReadHistory(NamedTuple):
    """An account's history as `snapshot_histories` reads it: the columns of the points kept, and
    how many points were dated `until` or earlier before the `limit` kept the newest of them."""

    columns: HistoryColumns
    points: int


def snapshot_histories(
    account_ids: Sequence[int],
    *,
    until: dt.date,
    limit: int | None = None,
    days: dict[int, np.ndarray] | None = None,
) -> dict[int, ReadHistory]:
    """(dates, followers, following) of the points dated `until` or earlier of each of
    `account_ids` that has one (only the `limit` newest of them when given), as columns by date,
    an unknown following count None; with the number of such points. An account without any
    point dated `until` or earlier is absent. `days`, when given, gets each history's dates as
    the day numbers they were made from (days since 1970-01-01, int64): the growth fits read
    those (`growth_chunk.fit_histories`) rather than turning the dates back into numbers."""
    out: dict[int, ReadHistory] = {}
    for account_id, stored in stored_histories(account_ids).items():
        history = stored.until(until)
        points = len(history)
        if not points:
            continue
        if limit is not None:
            history = history.newest(limit)
        # Day numbers to dates in C (numpy's datetime64[D] gives datetime.date objects).
        dates = history.days.astype("datetime64[D]").tolist()
        following: list[int | None] = history.following.tolist()
        if MISSING in following:
            following = [None if count == MISSING else count for count in following]
        out[account_id] = ReadHistory((dates, history.followers.tolist(), following), points)
        if days is not None:
            days[account_id] = history.days
    return out


POST_COUNTS = ("likes", "comments", "shares", "saves", "views")
POST_FIELDS = ("id", "account_id", "platform_post_id", "posted_at", "url", "caption", *POST_COUNTS, "is_sponsored")


def recent_post_rows(account_ids: Sequence[int], *, until: dt.datetime, limit: int) -> list[dict[str, Any]]:
    """The `limit` newest posts published `until` or earlier of each of `account_ids` (newest
    first, ties by id), as dicts of POST_FIELDS, by account."""
    if not account_ids:
        return []
    names = _post_columns()
    account, posted_at, pk = _column(Post, "account"), _column(Post, "posted_at"), _column(Post, "id")
    if connection.vendor == "postgresql":
        sql = _posts_per_account_sql(names, f"ORDER BY {posted_at} DESC, {pk} LIMIT %s")
        return _post_dicts(sql, [*ids_params(account_ids), _datetime_param(until), limit])
    sql = (
        f"SELECT {', '.join(names)} FROM (SELECT {', '.join(names)}, ROW_NUMBER() OVER "
        f"(PARTITION BY {account} ORDER BY {posted_at} DESC, {pk} ASC) AS rn FROM {_table(Post)} "
        f"WHERE {ids_in(account, len(account_ids))} AND {posted_at} <= %s) ranked "
        f"WHERE rn <= %s ORDER BY {account}, {posted_at} DESC, {pk}"
    )
    return _post_dicts(sql, [*ids_params(account_ids), _datetime_param(until), limit])


def post_rows(account_ids: Sequence[int], *, until: dt.datetime) -> list[dict[str, Any]]:
    """Every post published `until` or earlier of each of `account_ids`, in the order and form of
    `recent_post_rows`, for accounts with no more than they keep (`account_rows` counts them):
    without its window, which cost twice the plain read on SQLite."""
    if not account_ids:
        return []
    posted_at = _column(Post, "posted_at")
    # The time as text, as the window's subquery hands it to SQLite's driver (not through the
    # driver's converter for the column's type, then made aware as well).
    names = [
        f"CAST({name} AS TEXT)" if name == posted_at and connection.vendor == "sqlite" else name
        for name in _post_columns()
    ]
    if connection.vendor == "postgresql":
        sql = _posts_per_account_sql(names, "OFFSET 0")  # OFFSET 0: kept a subquery (see there)
    else:
        order = ["account", "-posted_at", "id"]
        sql = _select_in(Post, names, "account", len(account_ids), order, f"{posted_at} <= %s")
    return _post_dicts(sql, [*ids_params(account_ids), _datetime_param(until)])


def _posts_per_account_sql(names: Sequence[str], tail: str) -> str:
    """PostgreSQL: the posts (columns `names`) published at a time parameter or earlier of each
    account of an array parameter, read by account through the (account, posted_at) index,
    `tail` ending each account's subquery; by account, newest first, then by id.

    Why by account: right after an import (the follow-up's case) the posts have no statistics
    yet, and the planner took `account_id = ANY(…)` over the whole table for a sequential scan
    (19 ms for a chunk's 2,400 of 60,000 posts, against 2 ms through the index; 0.30 of the
    vetting step's 2.0 s of server CPU for 5,000 accounts). A subquery per account is planned
    as an index scan whatever the statistics (as fast as the ANY read once they exist); it
    stays one (is not flattened into a join that planner would hash) as its `tail` has an
    OFFSET or a LIMIT."""
    account, posted_at, pk = _column(Post, "account"), _column(Post, "posted_at"), _column(Post, "id")
    return (
        f"SELECT {', '.join(f'p.{name}' for name in names)} FROM (SELECT DISTINCT unnest(%s::bigint[]) AS id) a "
        f"CROSS JOIN LATERAL (SELECT {', '.join(names)} FROM {_table(Post)} "
        f"WHERE {account} = a.id AND {posted_at} <= %s {tail}) p "
        f"ORDER BY p.{account}, p.{posted_at} DESC, p.{pk}"
    )


def _post_columns() -> list[str]:
    return [_column(Post, name.removesuffix("_id") if name == "account_id" else name) for name in POST_FIELDS]


def _post_dicts(sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """The rows of `sql` (POST_FIELDS) as the dicts the ORM's values() made, converted a column
    at a time and made by C calls alone (a chunk reads ~2,400 posts)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns = [list(map(itemgetter(index), rows)) for index in range(len(POST_FIELDS))]
    columns[_POSTED_AT] = _aware_times(columns[_POSTED_AT])
    columns[_SPONSORED] = list(map(bool, columns[_SPONSORED]))
    return list(map(dict, map(zip, repeat(POST_FIELDS), zip(*columns))))


_POSTED_AT, _SPONSORED = POST_FIELDS.index("posted_at"), POST_FIELDS.index("is_sponsored")


def _aware_times(values: list[Any]) -> list[Any]:
    """`_to_aware()` of each of `values`. SQLite's values, naive UTC times as text, by C calls
    alone: parsed by `datetime.fromisoformat` (what `parse_datetime` tries first) and given the
    connection's zone; any other values (PostgreSQL's aware datetimes, None, another text) one
    at a time."""
    zone = connection.timezone if settings.USE_TZ else None
    try:
        parsed = list(map(dt.datetime.fromisoformat, values))  # TypeError: not all of them text
    except (TypeError, ValueError):
        return list(map(_to_aware(), values))
    if zone is None or any(map(attrgetter("tzinfo"), parsed)):  # given with an offset: kept as it is
        return list(map(_to_aware(), values))
    return list(map(methodcaller("replace", tzinfo=zone), parsed))


def comment_rows(post_ids: Sequence[int]) -> Iterator[tuple[int, str, str, dt.datetime | None]]:
    """(post_id, commenter, text, posted_at) of the comment samples of `post_ids`, by post, date
    and id."""
    if not post_ids:
        return
    columns = [_column(CommentSample, name) for name in ("post", "commenter", "text", "posted_at")]
    sql = _select_in(CommentSample, columns, "post", len(post_ids), ["post", "posted_at", "id"])
    aware = _to_aware()
    yield from _rows(sql, ids_params(post_ids), lambda row: (*row[:3], aware(row[3])))


def follower_sample_rows(account_ids: Sequence[int], fields: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """(account_id, *fields) of the follower samples of `account_ids`, by account and id (the
    fields are plain columns: text, counts and nullable booleans)."""
    if not account_ids:
        return
    columns = [_column(FollowerSample, name) for name in ("account", *fields)]
    sql = _select_in(FollowerSample, columns, "account", len(account_ids), ["account", "id"])
    yield from _rows(sql, ids_params(account_ids))


AUDIENCE_FIELDS = ("account_id", "as_of", "source", "age", "gender", "countries", "languages", "interests")
_AUDIENCE_JSON = ("age", "gender", "countries", "languages", "interests")


def audience_rows(account_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The audience profiles of `account_ids` as the dicts of AUDIENCE_FIELDS the ORM's values()
    made, by account, newest first (then by id, highest first): the queryset cost more to build
    (its IN list converted id by id) than the read itself, which finds none for most accounts."""
    if not account_ids:
        return []
    columns = [_column(AudienceProfile, name.removesuffix("_id")) for name in AUDIENCE_FIELDS]
    sql = _select_in(AudienceProfile, columns, "account", len(account_ids), ["account", "-as_of", "-id"])
    out = []
    for row in _rows(sql, ids_params(account_ids)):
        profile = dict(zip(AUDIENCE_FIELDS, row))
        for name in _AUDIENCE_JSON:
            profile[name] = _json(profile[name])
        out.append(profile)
    return out
