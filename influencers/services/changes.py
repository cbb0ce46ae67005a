"""Change times of catalogue rows whose derived data changed without a save of their own."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from influencers.models import Account, Creator


def touch_accounts(account_ids: Iterable[int]) -> int:
    """Set `updated_at` to now on `account_ids` and on their creators, so incremental sync
    (`updated_since`) sees a change that was written beside them (metrics, a vetting report).

    Bulk writes (`bulk_create(update_conflicts=…)`, `QuerySet.update`) skip `auto_now`, hence the
    explicit value. Two UPDATEs whatever the number of ids; returns the number of accounts touched."""
    ids = sorted({int(i) for i in account_ids})
    if not ids:
        return 0
    now = timezone.now()
    touched = Account.objects.filter(pk__in=ids).update(updated_at=now)
    Creator.objects.filter(accounts__pk__in=ids).update(updated_at=now)
    return touched
