"""Account histories as the metrics and the vetting read them: each account's newest snapshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from influencers.models import AccountSnapshot

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
