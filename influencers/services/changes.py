"""Change times of catalogue rows whose derived data changed without a save of their own."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from core.sql import ids_in, ids_params, quoted_column, quoted_table
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
        quoted_table(Account), quoted_column(Account, "updated_at"), ids_in(quoted_column(Account, "id"), n)
    )


def _touch_creators_sql(n: int) -> str:
    """UPDATE of the change time of the creators of `n` accounts: its value, then the account
    ids (`ids_params`)."""
    return "UPDATE {} SET {} = %s WHERE {} IN (SELECT {} FROM {} WHERE {})".format(
        quoted_table(Creator),
        quoted_column(Creator, "updated_at"),
        quoted_column(Creator, "id"),
        quoted_column(Account, "creator"),
        quoted_table(Account),
        ids_in(quoted_column(Account, "id"), n),
    )
