"""Whole account histories for pages, exports and watches (influencers.selectors.history
`account_histories`, `latest_followers`): the one reader besides the metrics' and vetting's."""

from __future__ import annotations

import datetime as dt

import pytest

from influencers.selectors.history import account_histories, latest_followers
from tests.factories import AccountFactory, HistoryPointFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 1)


def test_each_history_is_oldest_first_whatever_order_its_snapshots_were_written_in():
    first, second, without = AccountFactory(), AccountFactory(), AccountFactory()
    for offset, followers in [(2, 1200), (0, 1000), (1, 1100)]:
        HistoryPointFactory(account=first, date=DAY + dt.timedelta(days=offset), followers=followers, following=None)
    HistoryPointFactory(account=second, date=DAY, followers=5, following=7, posts=9)

    histories = account_histories([second.pk, first.pk, without.pk])

    assert histories[first.pk] == [
        (DAY, 1000, None, 120),
        (DAY + dt.timedelta(days=1), 1100, None, 120),
        (DAY + dt.timedelta(days=2), 1200, None, 120),
    ]
    assert histories[second.pk] == [(DAY, 5, 7, 9)]
    assert without.pk not in histories


def test_only_the_asked_accounts_and_fields_are_read():
    asked, other = AccountFactory(), AccountFactory()
    HistoryPointFactory(account=asked, date=DAY, followers=10)
    HistoryPointFactory(account=other, date=DAY, followers=20)

    assert account_histories([asked.pk], fields=("followers", "date")) == {asked.pk: [(10, DAY)]}
    assert account_histories([]) == {}


def test_a_field_that_is_not_part_of_a_history_is_refused():
    with pytest.raises(ValueError, match="id"):
        account_histories([1], fields=("date", "id"))


def test_the_latest_followers_are_the_newest_dated_snapshots_not_the_last_written():
    account = AccountFactory()
    assert latest_followers(account.pk) is None
    HistoryPointFactory(account=account, date=DAY + dt.timedelta(days=5), followers=900)
    HistoryPointFactory(account=account, date=DAY, followers=100)
    assert latest_followers(account.pk) == 900
