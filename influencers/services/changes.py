"""Change times of catalogue rows whose derived data changed without a save of their own."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone

from core.sql import ids_in, ids_params
from influencers.models import Account, Creator


def touch_accounts(account_ids: Iterable[int]) -> int:
    """Set `updated_at` to now on `account_ids` and on their creators, so incremental sync
    (`updated_since`) sees a change that was written beside them (metrics, a vetting report).

    Bulk writes (`bulk_create(update_conflicts=…)`, `QuerySet.update`) skip `auto_now`, hence the
    explicit value. Two UPDATEs whatever the number of ids; returns the number of accounts touched."""
    ids = sorted({int(i) for i in account_ids})
    if not ids:
        return 0
    now = Account._meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)
    # Plain SQL, through the connection's cursor as the ORM's own (so the cache's write watcher
    # sees both UPDATEs): the ORM built the filter of a 200-id IN list and its join anew for each
    # chunk the follow-ups touch, several times the cost of running the two statements.
    with connection.cursor() as cursor:
        cursor.execute(_touch_accounts_sql(len(ids)), [now, *ids_params(ids)])
        touched = cursor.rowcount
        cursor.execute(_touch_creators_sql(len(ids)), [now, *ids_params(ids)])
    return touched


def _touch_accounts_sql(n: int) -> str:
    """UPDATE of the accounts' change time: its value, then `n` account ids (`ids_params`)."""
    return "UPDATE {} SET {} = %s WHERE {}".format(
        _table(Account), _column(Account, "updated_at"), ids_in(_column(Account, "id"), n)
    )


def _touch_creators_sql(n: int) -> str:
    """UPDATE of the change time of the creators of `n` accounts: its value, then the account
    ids (`ids_params`)."""
    return "UPDATE {} SET {} = %s WHERE {} IN (SELECT {} FROM {} WHERE {})".format(
        _table(Creator),
        _column(Creator, "updated_at"),
        _column(Creator, "id"),
        _column(Account, "creator"),
        _table(Account),
        ids_in(_column(Account, "id"), n),
    )


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # a concrete column, not a reverse relation
    return connection.ops.quote_name(str(field.column))
