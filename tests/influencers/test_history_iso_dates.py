"""SQLite's snapshot reader takes a chunk's dates as their ISO texts run together
(influencers/selectors/history.py: `_iso_day_numbers`), and reads dates stored in another form
as the YYYYMMDD numbers it read before."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from django.db import connection

from influencers.selectors.history import _day_numbers, _iso_day_numbers, _sqlite_snapshot_arrays
from tests.factories import AccountFactory, HistoryPointFactory


def test_iso_dates_run_together_are_their_days_since_1970():
    rng = random.Random(4)
    dates = [dt.date(1, 1, 1) + dt.timedelta(days=rng.randint(0, 3_650_000)) for _ in range(2000)]
    dates += [dt.date(2024, 2, 29), dt.date(1970, 1, 1), dt.date(1969, 12, 31), dt.date(9999, 12, 31)]
    days = _iso_day_numbers("".join(d.isoformat() for d in dates), len(dates))
    assert days is not None
    assert days.tolist() == [(d - dt.date(1970, 1, 1)).days for d in dates]


@pytest.mark.parametrize(
    "dates,count",
    [("2026-01-01", 2), ("2026-01-01 ", 1), ("2026/01/01", 1), ("2026-1-011", 1), ("2026-0a-01", 1), ("２026-01-0", 1)],
)
def test_other_texts_are_not_taken_for_dates(dates, count):
    assert _iso_day_numbers(dates, count) is None


@pytest.mark.django_db
def test_dates_stored_in_another_form_are_read_as_before():
    if connection.vendor != "sqlite":
        pytest.skip("the group_concat read is SQLite's")
    account = AccountFactory()
    for day in (1, 2, 3):
        HistoryPointFactory(account=account, date=dt.date(2026, 1, day), followers=day)
    with connection.cursor() as cursor:  # not written by Django: no zero padding
        cursor.execute("UPDATE influencers_accountsnapshot SET date = '2026-1-2' WHERE followers = 2")
    where = 'FROM "influencers_accountsnapshot" ORDER BY "account_id", "date"'
    table = _sqlite_snapshot_arrays(connection, ['"account_id"', '"date"', '"followers"'], where, [])
    # As the reader always read it: "2026-1-2" as the number 202612 (not a real date either way).
    days = _day_numbers(np.array([20260101, 202612, 20260103], dtype=np.int64)).tolist()
    assert table.tolist() == sorted([account.pk, day, followers] for day, followers in zip(days, (1, 2, 3)))
