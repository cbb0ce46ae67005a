"""Reads about accounts as a set (the per-creator and discovery reads are in creators.py)."""

from __future__ import annotations

from collections.abc import Iterable

from influencers.models import Account

IDS_PER_QUERY = 5000  # under SQLite's parameter limit, with room to spare


def account_creators(account_ids: Iterable[int]) -> dict[int, int]:
    """Each existing account's creator id (unknown ids are left out)."""
    ids = sorted({int(i) for i in account_ids})
    creators: dict[int, int] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        part = ids[start : start + IDS_PER_QUERY]
        creators.update(Account.objects.filter(pk__in=part).values_list("pk", "creator_id"))
    return creators
