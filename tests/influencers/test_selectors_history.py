"""Account histories and posts as the metrics and the vetting read them
(influencers.selectors.history): each account's stored history whole, by date, as Python values."""

from __future__ import annotations

import datetime as dt

import pytest

from influencers.selectors.history import account_histories, latest_followers, stored_histories
from influencers.services.history import record_points
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db
START = dt.date(2026, 1, 1)


def test_account_histories_are_whole_by_date_with_unknown_counts_none():
    short, long, empty = AccountFactory(), AccountFactory(), AccountFactory()
    record_points(short.pk, [(START + dt.timedelta(days=1), 12, 7, None), (START, 10, None, 3)])
    record_points(long.pk, [(START + dt.timedelta(days=d), 1000 + d, 5, d) for d in range(400)])
    read = account_histories([short.pk, long.pk, empty.pk, 987_654])
    assert sorted(read) == sorted([short.pk, long.pk])  # no history, or no account: absent
    assert read[short.pk] == [(START, 10, None, 3), (START + dt.timedelta(days=1), 12, 7, None)]
    assert [point[0] for point in read[long.pk]] == [START + dt.timedelta(days=d) for d in range(400)]
    assert all(type(p[0]) is dt.date and type(p[1]) is int for p in read[long.pk])
    picked = account_histories([short.pk], fields=("followers", "date"))
    assert picked == {short.pk: [(10, START), (12, START + dt.timedelta(days=1))]}


def test_an_unknown_history_field_is_refused():
    with pytest.raises(ValueError, match="not a history field: \\['likes'\\]"):
        account_histories([1], fields=("date", "likes"))


def test_latest_followers_are_the_newest_points():
    account, empty = AccountFactory(), AccountFactory()
    record_points(account.pk, [(START + dt.timedelta(days=3), 30, None, None), (START, 99, None, None)])
    assert latest_followers(account.pk) == 30
    assert latest_followers(empty.pk) is None


def test_stored_histories_read_every_id_however_many(monkeypatch):
    # The ids are read a bounded number at a time: each of several such reads is kept.
    from influencers.selectors import history

    monkeypatch.setattr(history, "_IDS_PER_QUERY", 2)
    accounts = [AccountFactory() for _ in range(5)]
    for k, account in enumerate(accounts):
        record_points(account.pk, [(START, 100 + k, None, None)])
    read = stored_histories([a.pk for a in accounts] * 2)
    assert {pk: h.followers.tolist() for pk, h in read.items()} == {a.pk: [100 + k] for k, a in enumerate(accounts)}


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


@pytest.mark.django_db
def test_posts_since_micros_are_those_since_the_same_times_on_the_bounds_edges():
    # The bounds made from µs for a whole chunk (on SQLite, Django's text of each time made by
    # numpy: compared as text with the stored times) read exactly what the times themselves read,
    # a post on a bound (excluded) or a microsecond after it (included) too, with and without a
    # fraction of a second.
    from django.utils import timezone

    from influencers.metrics.chunk import micros_of
    from influencers.selectors.history import post_arrays, post_arrays_since
    from tests.factories import PostFactory

    now = timezone.now().replace(microsecond=0)
    since = {}
    for fraction in (0, 1, 500_000, 999_999):
        account = AccountFactory()
        bound = now - dt.timedelta(days=30, microseconds=fraction)
        for offset in (-1, 0, 1, 2_000_000):
            PostFactory(account=account, posted_at=bound + dt.timedelta(microseconds=offset))
        since[account.pk] = bound

    micros, table = post_arrays(since, until=now)
    fast_micros, fast_table = post_arrays_since({a: micros_of(t) for a, t in since.items()}, until=now)

    assert len(micros) == 2 * len(since)  # the post on each bound and the one before it left out
    assert fast_micros.tolist() == micros.tolist()
    assert fast_table.tolist() == table.tolist()


@pytest.mark.django_db
def test_accounts_newest_posts_are_each_accounts_newest_until_the_cutoff():
    from django.utils import timezone

    from influencers.metrics.chunk import micros_of
    from influencers.selectors.history import accounts_newest_posts
    from tests.factories import PostFactory

    now = timezone.now()
    posting, silent, late = AccountFactory(platform="tiktok"), AccountFactory(), AccountFactory()
    for days in (3, 1, 10):
        PostFactory(account=posting, posted_at=now - dt.timedelta(days=days, microseconds=days))
    PostFactory(account=late, posted_at=now + dt.timedelta(seconds=1))  # after the cut-off: none

    platforms, newest = accounts_newest_posts([posting.pk, silent.pk, late.pk, 987_654], until=now)

    assert platforms == {posting.pk: "tiktok", silent.pk: silent.platform, late.pk: late.platform}
    assert newest == {posting.pk: micros_of(now - dt.timedelta(days=1, microseconds=1))}
