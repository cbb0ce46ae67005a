"""The catalogue rows vetting reads for a chunk of accounts, by plain SQL on the ORM's connection.

`vetting.services.reports.load_evidence` read them through querysets: for a chunk of 200 accounts
the ORM built each `IN (...)` list parameter by parameter (~10 lists per chunk, the comments'
one of ~2,400 post ids) and converted every value of every row (a snapshot's date through
Django's regex parser), which was a third of vetting an account of an import. Here each read is
one statement over the model's own table and column names, and only the values the drivers do
not already return as the ORM would are converted: datetimes made aware (SQLite returns them
naive), JSON decoded by the field. The rows, their order and their values are those of the
querysets they replace (tests/vetting/test_evidence_selector.py compares them). The histories
are read through `influencers.selectors.history.snapshot_arrays` (one row of packed arrays per
account, read for the whole chunk at once) and come back as columns, which is how the scorers read them
(`vetting.services.reports._history_columns`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
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
    MediaAsset,
    Post,
)
from influencers.selectors.history import snapshot_arrays

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
        _plain_times(cursor)
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
    """(pk, platform, handle, bio, creator languages, posts published `until` or earlier,
    `Samples`, has metrics, metrics followers, engagement_rate, er_formula, er_posts_used,
    data_as_of) of each existing account of `account_ids`, by pk. (How many points each history
    has comes with the history: `snapshot_histories`.)"""
    if not account_ids:
        return []
    a, c, m, p = "a", "c", "m", "p"
    sql = (
        f"SELECT {_column(Account, 'id', a)}, {_column(Account, 'platform', a)}, {_column(Account, 'handle', a)}, "
        f"{_column(Account, 'bio', a)}, {_column(Creator, 'languages', c)}, "
        f"(SELECT COUNT(*) FROM {_table(Post)} {p} WHERE {_column(Post, 'account', p)} = "
        f"{_column(Account, 'id', a)} AND {_column(Post, 'posted_at', p)} <= %s), {_samples_sql(a)}, "
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
    for pk, platform, handle, bio, langs, posts, comments, followers, audience, images, metrics_id, *metrics in _rows(
        sql, [_datetime_param(until), *ids_params(account_ids)]
    ):
        samples = Samples(bool(comments), bool(followers), bool(audience), bool(images))
        out.append((pk, platform, handle, bio, _json(langs), posts, samples, metrics_id is not None, *metrics))
    return out


class Samples(NamedTuple):
    """Which of the reads beside the posts and the history an account may have rows for (False:
    it has none; True: it has some, or some of its posts have comments): what a chunk's accounts
    cannot have is not read (an import's accounts have none of them, and each read cost a
    statement with the chunk's ids, the comments' with every post id)."""

    comments: bool
    follower_sample: bool
    audience: bool
    images: bool


def _samples_sql(account: str) -> str:
    """SQL: the `Samples` flags of the account aliased `account`: whether its table has a row at
    all (one probe for the statement), and only then whether the account has one (a probe of the
    index on the account per account; the comments': of the one on the post, per post of it)."""
    key = _column(Account, "id", account)
    comments = (
        f"EXISTS (SELECT 1 FROM {_table(CommentSample)} s JOIN {_table(Post)} sp "
        f"ON {_column(Post, 'id', 'sp')} = {_column(CommentSample, 'post', 's')} "
        f"WHERE {_column(Post, 'account', 'sp')} = {key})"
    )
    flags = [(CommentSample, comments)] + [
        (model, f"EXISTS (SELECT 1 FROM {_table(model)} s WHERE {_column(model, 'account', 's')} = {key})")
        for model in (FollowerSample, AudienceProfile, MediaAsset)
    ]
    return ", ".join(
        f"CASE WHEN EXISTS (SELECT 1 FROM {_table(model)}) THEN {probe} ELSE FALSE END" for model, probe in flags
    )


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
    floats: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
) -> dict[int, ReadHistory]:
    """(dates, followers, following) of the points dated `until` or earlier of each of
    `account_ids` that has one (only the `limit` newest of them when given), as columns by date,
    an unknown following count None; with the number of such points. An account without any
    point dated `until` or earlier is absent. `days`, when given, gets each history's dates as
    the day numbers they were made from (days since 1970-01-01, int64): the growth fits read
    those (`growth_chunk.fit_histories`) rather than turning the dates back into numbers.
    `floats`, likewise, gets each history's followers and following as the float arrays its lists
    convert to (an unknown following NaN), cut from the chunk's columns converted at once: the
    growth fits read those rather than turning the lists back into arrays."""
    # The chunk's points in one matrix (`snapshot_arrays`: the stored rows' packed columns joined
    # and read at once), each column converted by one call and cut into each account's points by
    # list slices: a History, its cut and a conversion per account and column cost more than the
    # values themselves (90 points an account).
    table = snapshot_arrays(account_ids, until=until)
    if not len(table):
        return {}
    owner_column = table[:, 0]
    starts = np.flatnonzero(np.concatenate([[True], owner_column[1:] != owner_column[:-1]]))
    lasts = np.append(starts[1:], len(table))
    counts = lasts - starts
    firsts = starts if limit is None else np.maximum(lasts - limit, starts)
    owners = owner_column[starts].tolist()
    day_column, follower_column, following_column = (np.ascontiguousarray(table[:, k]) for k in (1, 2, 3))
    missing = np.concatenate([[0], np.cumsum(following_column == MISSING)])
    unknown = (missing[lasts] - missing[firsts]).tolist()
    low, spanned, consecutive = _calendar(day_column, firsts, lasts)
    followers, following = follower_column.tolist(), following_column.tolist()
    if floats is not None:
        # int64 to float64 as numpy turns each Python int of the lists into a float (both
        # rounded to nearest, ties to even, above 2**53: the same bits).
        follower_floats = follower_column.astype(float)
        following_floats = np.where(following_column == MISSING, np.nan, following_column.astype(float))
    out: dict[int, ReadHistory] = {}
    for account_id, first, last, points, gaps, whole in zip(
        owners, firsts.tolist(), lasts.tolist(), counts.tolist(), unknown, consecutive, strict=True
    ):
        kept = day_column[first:last]
        if whole:  # consecutive days: a slice of the dates made for the chunk
            start = int(kept[0]) - low
            dates = spanned[start : start + last - first]
        else:
            dates = _dates_of(kept)
        known: list[int | None] = following[first:last]
        if gaps:
            known = [None if count == MISSING else count for count in known]
        out[account_id] = ReadHistory((dates, followers[first:last], known), points)
        if days is not None:
            days[account_id] = kept
        if floats is not None:
            floats[account_id] = (follower_floats[first:last], following_floats[first:last])
    return out


def _calendar(day_column: np.ndarray, firsts: np.ndarray, lasts: np.ndarray) -> tuple[int, list[Any], list[bool]]:
    """The dates of the days the histories kept (`firsts` to `lasts` of `day_column`) span, made
    once (the first day's number, its dates), and whether each history is of consecutive days
    (then its dates are a slice of those): an import's histories mostly cover the same days. No
    dates (every history converted alone) when they spread over more days than they have points."""
    kept = lasts > firsts
    consecutive = np.zeros(len(firsts), dtype=bool)
    if not kept.any():
        return 0, [], consecutive.tolist()
    low, high = int(day_column[firsts[kept]].min()), int(day_column[lasts[kept] - 1].max())
    if high - low >= 4 * int((lasts - firsts).sum()):
        return 0, [], consecutive.tolist()
    # Steps of one day between neighbours, counted: a history is consecutive when each of its
    # steps is one.
    steps = np.concatenate([[0], np.cumsum(np.diff(day_column) == 1)])
    last = np.maximum(lasts - 1, firsts)
    consecutive[kept] = (steps[last] - steps[firsts])[kept] == (last - firsts)[kept]
    return low, _dates_of(np.arange(low, high + 1, dtype=np.int64)), consecutive.tolist()


def _dates_of(days: np.ndarray) -> list[Any]:
    """Day numbers to dates in C (numpy's datetime64[D] gives datetime.date objects)."""
    return days.astype("datetime64[D]").tolist()


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
    outer = [_sqlite_time_text(name) if name == posted_at else name for name in names]
    sql = (
        f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(names)}, ROW_NUMBER() OVER "
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
    names = [_sqlite_time_text(name) if name == posted_at else name for name in _post_columns()]
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


def _sqlite_time_text(column: str) -> str:
    """SQLite: SQL for a DateTimeField column as text (the stored naive UTC time, not through the
    driver's converter for the column's type), ending in the UTC offset (`_UTC`) where the ORM
    makes it a time in UTC: `_aware_times` then parses it aware in one C call. The column as it
    is on PostgreSQL (`_plain_times` loads its times)."""
    if connection.vendor != "sqlite":
        return column
    return f"CAST({column} AS TEXT) || '{_UTC}'" if _in_utc() else f"CAST({column} AS TEXT)"


# The offset `_sqlite_time_text` appends to a UTC time, which `datetime.fromisoformat` reads as
# `datetime.timezone.utc` (the zone the ORM gives SQLite's times where `_in_utc`).
_UTC = "+00:00"


def _in_utc() -> bool:
    """Whether the ORM returns DateTimeField values in `datetime.timezone.utc` (USE_TZ and the
    connection's zone UTC, as Django makes it when the database sets none)."""
    return bool(settings.USE_TZ) and connection.timezone is dt.UTC


def _plain_times(cursor: Any) -> None:
    """PostgreSQL: load this cursor's timestamptz values with psycopg's own loader (in C) rather
    than Django's, a Python call per value that gives the parsed time the connection's zone (4.7
    of the 5.8 µs of loading a post's row). Only where both give the same values: the session's
    zone and the ORM's are `datetime.timezone.utc` (psycopg's loader gives the session's)."""
    if connection.vendor != "postgresql" or not _in_utc():
        return
    from psycopg.types.datetime import TimestamptzLoader

    raw = cursor.cursor  # the psycopg cursor: its adapters are its own (a copy of the connection's)
    if raw.connection.info.timezone is dt.UTC:
        raw.adapters.register_loader("timestamptz", TimestamptzLoader)


def _post_dicts(sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """The rows of `sql` (POST_FIELDS) as the dicts the ORM's values() made, the two columns
    converted a column at a time (a chunk reads ~2,400 posts). Each dict is a display of constant
    keys, made at its size at once: `dict(zip(POST_FIELDS, row))` grew it twice and made a pair
    per field, three times the instructions."""
    with connection.cursor() as cursor:
        _plain_times(cursor)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    times = _aware_times(list(map(itemgetter(_POSTED_AT), rows)), suffixed=connection.vendor == "sqlite" and _in_utc())
    sponsored = list(map(bool, map(itemgetter(_SPONSORED), rows)))
    # Subscripts in POST_FIELDS' order (`_POSTED_AT` and `_SPONSORED` converted above).
    return [
        {
            "id": row[0],
            "account_id": row[1],
            "platform_post_id": row[2],
            "posted_at": posted_at,
            "url": row[4],
            "caption": row[5],
            "likes": row[6],
            "comments": row[7],
            "shares": row[8],
            "saves": row[9],
            "views": row[10],
            "is_sponsored": is_sponsored,
        }
        for row, posted_at, is_sponsored in zip(rows, times, sponsored, strict=True)
    ]


_POSTED_AT, _SPONSORED = POST_FIELDS.index("posted_at"), POST_FIELDS.index("is_sponsored")
# `_post_dicts` subscripts the rows by these places: a change of POST_FIELDS must change it too.
assert POST_FIELDS == (
    *("id", "account_id", "platform_post_id", "posted_at", "url", "caption"),
    *("likes", "comments", "shares", "saves", "views", "is_sponsored"),
), POST_FIELDS


def _aware_times(values: list[Any], *, suffixed: bool = False) -> list[Any]:
    """`_to_aware()` of each of `values`, by C calls alone where they are SQLite's naive UTC times
    as text (parsed by `datetime.fromisoformat`, what `parse_datetime` tries first, and given the
    connection's zone; in that one call where `suffixed`: read ending in `_UTC` by
    `_sqlite_time_text`) or aware datetimes (PostgreSQL's, kept); any other values (None,
    another text) one at a time."""
    zone = connection.timezone if settings.USE_TZ else None
    try:
        parsed = list(map(dt.datetime.fromisoformat, values))  # TypeError: not all of them text
    except TypeError:
        if zone is not None and set(map(type, values)) <= {dt.datetime} and all(map(attrgetter("tzinfo"), values)):
            return values
        return list(map(_to_aware(), values))
    except ValueError:  # one not a time (or stored with an offset before `_UTC`): each as stored
        stored = [value.removesuffix(_UTC) if type(value) is str else value for value in values]
        return list(map(_to_aware(), stored if suffixed else values))
    if zone is None or any(map(attrgetter("tzinfo"), parsed)):
        # Given an offset (`_UTC`: every one of them, as made in UTC) or not to be made aware.
        return parsed if zone is not None and all(map(attrgetter("tzinfo"), parsed)) else list(map(_to_aware(), values))
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
