"""How a split follow-up cuts the changed accounts into parts (influencers.follow_ups._parts):
ever smaller parts, so that the workers end a step close together (its barrier's tail)."""

from __future__ import annotations

import pytest

from influencers import follow_ups
from influencers.follow_ups import PART_MAX, PART_MIN, AccountsChanged


@pytest.fixture
def one_account_per_creator(monkeypatch):
    monkeypatch.setattr(follow_ups, "account_creators", lambda ids: {pk: pk for pk in ids})


def _sizes(accounts: int, processes: int) -> list[int]:
    parts = follow_ups._parts(AccountsChanged(account_ids=tuple(range(1, accounts + 1))), processes)
    assert sorted(pk for part in parts for pk in part) == list(range(1, accounts + 1))
    return [len(part) for part in parts]


def test_parts_shrink_so_that_the_last_ones_are_the_smallest(one_account_per_creator):
    sizes = _sizes(5000, 2)

    assert sizes[0] == 1250  # a quarter of the accounts: each of two workers starts on a large part
    assert sizes == sorted(sizes, reverse=True)
    assert max(sizes[-3:]) <= PART_MIN  # a worker waits at most one small part for the other


def test_parts_stay_within_the_bounds_but_the_remainder(one_account_per_creator):
    sizes = _sizes(60_000, 4)

    assert sizes[0] == PART_MAX  # not 60,000 / 8: a part's memory and progress stay bounded
    assert all(PART_MIN <= size <= PART_MAX for size in sizes[:-1])
    assert sizes[-2] == PART_MIN and 0 < sizes[-1] <= PART_MIN  # shrinking at the end here too
