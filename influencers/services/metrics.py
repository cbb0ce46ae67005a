"""Engagement and growth metrics per account, computed from history and stored with formulas.

PLACEHOLDER interface (to be completed): `refresh_metrics(account_ids)` recomputes
AccountMetrics for those accounts and returns how many rows were written.
"""

from __future__ import annotations

from collections.abc import Iterable


def refresh_metrics(account_ids: Iterable[int]) -> int:
    """Recompute AccountMetrics for `account_ids`; returns the number of accounts updated."""
    from influencers.models import Account, AccountMetrics, AccountSnapshot

    count = 0
    for account in Account.objects.filter(pk__in=list(account_ids)):
        latest = AccountSnapshot.objects.filter(account=account).order_by("-date").first()
        AccountMetrics.objects.update_or_create(
            account=account,
            defaults={"followers": latest.followers if latest else 0},
        )
        count += 1
    return count
