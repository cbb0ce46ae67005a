"""The catalogue rows vetting reads for a chunk of accounts, by plain SQL on the ORM's connection.

`vetting.services.reports.load_evidence` read them through querysets: for a chunk of 200 accounts
the ORM built each `IN (...)` list parameter by parameter (~10 lists per chunk, the comments'
one of ~2,400 post ids) and converted every value of every row (a snapshot's date through
Django's regex parser), which was a third of vetting an account of an import. Here each read is
one statement over the model's own table and column names, and only the values the drivers do
not already return as the ORM would are converted: datetimes made aware (SQLite returns them
naive), snapshot dates read as text and parsed by `date.fromisoformat`, JSON decoded by the
field. The rows, their order and their values are those of the querysets they replace
(tests/vetting/test_evidence_selector.py compares them).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Field, Model
from django.utils.dateparse import parse_datetime

from core.sql import ids_in, ids_params
from influencers.models import Account, AccountMetrics, AccountSnapshot, CommentSample, Creator, FollowerSample, Post

_FETCH_ROWS = 2000


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Model], name: str, alias: str = "") -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # a concrete column, not a reverse relation
    quoted = connection.ops.quote_name(str(field.column))
    return f"{alias}.{quoted}" if alias else quoted


def _select_in(
    model: type[Model], columns: Sequence[str], key: str, count: int, order: Sequence[str], also: str = ""
) -> str:
    """SELECT `columns` (SQL) of `model`'s rows whose field `key` is one of `count` parameters
    (and `also`, SQL), ordered by the fields `order`."""
    where = ids_in(_column(model, key), count) + (f" AND {also}" if also else "")
    return (
        f"SELECT {', '.join(columns)} FROM {_table(model)} WHERE {where} "
        f"ORDER BY {', '.join(_column(model, name) for name in order)}"
    )


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


def _date_param(value: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def account_rows(account_ids: Sequence[int], *, until: dt.date) -> list[tuple[Any, ...]]:
    """(pk, platform, handle, bio, creator languages, snapshots dated `until` or earlier (None:
    none), has metrics, metrics followers, engagement_rate, er_formula, er_posts_used,
    data_as_of) of each existing account of `account_ids`, by pk."""
    if not account_ids:
        return []
    a, c, m, s = "a", "c", "m", "s"
    sql = (
        f"SELECT {_column(Account, 'id', a)}, {_column(Account, 'platform', a)}, {_column(Account, 'handle', a)}, "
        f"{_column(Account, 'bio', a)}, {_column(Creator, 'languages', c)}, "
        f"(SELECT COUNT(*) FROM {_table(AccountSnapshot)} {s} WHERE {_column(AccountSnapshot, 'account', s)} = "
        f"{_column(Account, 'id', a)} AND {_column(AccountSnapshot, 'date', s)} <= %s), "
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
    for pk, platform, handle, bio, langs, count, metrics_id, *metrics in _rows(
        sql, [_date_param(until), *ids_params(account_ids)]
    ):
        out.append((pk, platform, handle, bio, _json(langs), count or None, metrics_id is not None, *metrics))
    return out


class _Days(dict[str, dt.date]):
    """ISO date texts, each parsed once: the histories of a chunk share their days."""

    def __missing__(self, text: str) -> dt.date:
        day = self[text] = dt.date.fromisoformat(text)
        return day


def snapshot_histories(
    account_ids: Sequence[int], *, until: dt.date
) -> dict[int, list[tuple[dt.date, int, int | None]]]:
    """(date, followers, following) of every snapshot dated `until` or earlier of each of
    `account_ids` that has one, by date (callers pass accounts whose whole history they keep;
    longer ones go through `influencers.selectors.history.newest_snapshots`)."""
    if not account_ids:
        return {}
    date = _column(AccountSnapshot, "date")
    # The date as ISO text (YYYY-MM-DD), parsed once per distinct day: SQLite's driver would parse
    # it with Django's regex (90 rows an account). PostgreSQL's cast to text follows the server's
    # DateStyle (SQL or German styles write 06/12/2026 or 06.12.2026): to_char is fixed.
    as_text = f"to_char({date}, 'YYYY-MM-DD')" if connection.vendor == "postgresql" else f"CAST({date} AS TEXT)"
    columns = [_column(AccountSnapshot, "account"), as_text]
    columns += [_column(AccountSnapshot, name) for name in ("followers", "following")]
    sql = _select_in(AccountSnapshot, columns, "account", len(account_ids), ["account", "date"], f"{date} <= %s")
    days = _Days()
    return {
        account_id: [(days[text], followers, following) for _, text, followers, following in rows]
        for account_id, rows in groupby(_rows(sql, [*ids_params(account_ids), _date_param(until)]), key=itemgetter(0))
    }


POST_COUNTS = ("likes", "comments", "shares", "saves", "views")
POST_FIELDS = ("id", "account_id", "platform_post_id", "posted_at", "url", "caption", *POST_COUNTS, "is_sponsored")


def recent_post_rows(account_ids: Sequence[int], *, until: dt.datetime, limit: int) -> list[dict[str, Any]]:
    """The `limit` newest posts published `until` or earlier of each of `account_ids` (newest
    first, ties by id), as dicts of POST_FIELDS, by account."""
    if not account_ids:
        return []
    names = [_column(Post, name.removesuffix("_id") if name == "account_id" else name) for name in POST_FIELDS]
    account, posted_at, pk = _column(Post, "account"), _column(Post, "posted_at"), _column(Post, "id")
    sql = (
        f"SELECT {', '.join(names)} FROM (SELECT {', '.join(names)}, ROW_NUMBER() OVER "
        f"(PARTITION BY {account} ORDER BY {posted_at} DESC, {pk} ASC) AS rn FROM {_table(Post)} "
        f"WHERE {ids_in(account, len(account_ids))} AND {posted_at} <= %s) ranked "
        f"WHERE rn <= %s ORDER BY {account}, {posted_at} DESC, {pk}"
    )
    aware = _to_aware()
    out = []
    for row in _rows(sql, [*ids_params(account_ids), _datetime_param(until), limit]):
        post = dict(zip(POST_FIELDS, row))
        post["posted_at"] = aware(post["posted_at"])
        post["is_sponsored"] = bool(post["is_sponsored"])
        out.append(post)
    return out


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
