"""Writes to an account's history outside imports (a refresh's point of the day, the demo
catalogue, test factories): a read-merge-write of the account's one row, under a lock of the
history row (or of the account, while it has none: `stored_histories(for_update=True)`) so two
writers of one history never lose each other's points."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from influencers.history_arrays import EMPTY, Merge, Point, from_points, merged
from influencers.models import AccountHistory
from influencers.selectors.history import stored_histories


def record_points(account_id: int, points: Sequence[Point], *, replace: bool = False) -> Merge:
    """Merge `points` into the account's stored history (see `history_arrays.merged`; `replace`:
    a point's unknown counts replace the stored ones too). Counts must be 0 or more."""
    for day, *counts in points:
        if any(count is not None and count < 0 for count in counts):
            raise ValueError(f"a history point of account {account_id} on {day} has a negative count: {counts}")
    with transaction.atomic():
        current = stored_histories([account_id], for_update=True).get(account_id, EMPTY)
        result = merged(current, from_points(points), replace=replace)
        if result.changed:
            dates, followers, following, posts = result.history.packed()
            AccountHistory.objects.update_or_create(
                account_id=account_id,
                defaults={"dates": dates, "followers": followers, "following": following, "posts": posts},
            )
    return result
