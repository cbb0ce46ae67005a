"""The newest snapshots of each account (influencers.selectors.history), as the metrics and the
vetting read them: short histories whole by a plain read, long ones cut by the window function."""

from __future__ import annotations

import datetime as dt

import pytest

from influencers.models import Account, AccountSnapshot
from influencers.selectors.history import newest_snapshots, snapshot_count
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
START = dt.date(2026, 1, 1)


def _history(account, days: int) -> None:
    AccountSnapshot.objects.bulk_create(
        AccountSnapshot(account=account, date=START + dt.timedelta(days=d), followers=1000 + d) for d in range(days)
    )


def _read(accounts, *, until: dt.date, limit: int) -> dict[int, list[tuple[dt.date, int]]]:
    counts = dict(
        Account.objects.filter(pk__in=[a.pk for a in accounts]).annotate(n=snapshot_count(until)).values_list("pk", "n")
    )
    out: dict[int, list[tuple[dt.date, int]]] = {a.pk: [] for a in accounts}
    for account_id, date, followers in newest_snapshots(
        counts, until=until, limit=limit, fields=("account_id", "date", "followers")
    ):
        out[account_id].append((date, followers))
    return out


def test_each_account_keeps_its_newest_snapshots_up_to_the_limit_in_date_order():
    short, exact, long, empty = AccountFactory(), AccountFactory(), AccountFactory(), AccountFactory()
    _history(short, 3)
    _history(exact, 5)
    _history(long, 9)
    read = _read([short, exact, long, empty], until=START + dt.timedelta(days=30), limit=5)
    assert [d.day for d, _ in read[short.pk]] == [1, 2, 3]
    assert [d.day for d, _ in read[exact.pk]] == [1, 2, 3, 4, 5]
    assert [d.day for d, _ in read[long.pk]] == [5, 6, 7, 8, 9]  # the 5 newest, oldest first
    assert read[empty.pk] == []


def test_snapshots_after_the_cut_off_are_neither_counted_nor_read():
    account = AccountFactory()
    _history(account, 9)
    until = START + dt.timedelta(days=5)  # 6 snapshots up to it: more than the limit of 4
    assert [d.day for d, _ in _read([account], until=until, limit=4)[account.pk]] == [3, 4, 5, 6]
    assert [d.day for d, _ in _read([account], until=until, limit=6)[account.pk]] == [1, 2, 3, 4, 5, 6]


def test_rows_read_past_the_orm_are_the_orms_rows():
    # Short histories are read from the database driver without Django's converters: the dates
    # must still be dates, the counts integers and a missing following count None.
    short, long = AccountFactory(), AccountFactory()
    AccountSnapshot.objects.bulk_create(
        [
            AccountSnapshot(account=short, date=START, followers=10, following=None, posts=3),
            AccountSnapshot(account=short, date=START + dt.timedelta(days=1), followers=12, following=7, posts=None),
        ]
    )
    _history(long, 4)
    fields = ("account_id", "date", "followers", "following", "posts")
    counts = {short.pk: 2, long.pk: 4}
    read = list(newest_snapshots(counts, until=START + dt.timedelta(days=30), limit=3, fields=fields))
    assert read[:2] == [(short.pk, START, 10, None, 3), (short.pk, START + dt.timedelta(days=1), 12, 7, None)]
    assert all(type(row[1]) is dt.date and type(row[2]) is int for row in read)
    assert [row[1].day for row in read[2:]] == [2, 3, 4]  # the long one: its 3 newest


@pytest.mark.django_db
def test_posts_are_read_from_each_accounts_own_bound_in_time_order():
    # One account that stopped posting long ago must not widen what is read for the others
    # (the chunk's earliest bound for all read every post published since).
    from django.utils import timezone

    from influencers.selectors.history import post_arrays
    from tests.factories import PostFactory

    now = timezone.now().replace(microsecond=0)
    active, dormant = AccountFactory(), AccountFactory()
    recent = [PostFactory(account=active, posted_at=now - dt.timedelta(days=d), likes=d) for d in (1, 5, 5)]
    PostFactory(account=active, posted_at=now - dt.timedelta(days=400), likes=400)  # before its bound
    PostFactory(account=active, posted_at=now + dt.timedelta(days=1), likes=999)  # after `until`
    old = PostFactory(account=dormant, posted_at=now - dt.timedelta(days=700), likes=700)
    since = {active.pk: now - dt.timedelta(days=90), dormant.pk: now - dt.timedelta(days=790)}

    micros, table = post_arrays(since, until=now)

    expected = sorted(
        [(active.pk, p.posted_at, p.pk, p.likes) for p in recent] + [(dormant.pk, old.posted_at, old.pk, old.likes)],
        key=lambda row: (row[0], -row[1].timestamp(), row[2]),
    )
    assert table[:, 0].tolist() == [row[0] for row in expected]
    assert table[:, 1].tolist() == [row[3] for row in expected]
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    assert micros.tolist() == [(row[1] - epoch) // dt.timedelta(microseconds=1) for row in expected]
