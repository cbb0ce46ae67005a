"""The chunk computation (`influencers.metrics.chunk`) equals the per-account reference
(`compute_account_metrics`) field for field, details and floats included: on randomised chunks,
on named edge cases, and through `refresh_metrics` on the database (its raw array readers)."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from influencers.metrics import PostPoint, SnapshotPoint, compute_account_metrics
from influencers.metrics.chunk import MISSING, chunk_metrics, history_arrays
from influencers.metrics.service import refresh_metrics
from influencers.models import AccountMetrics
from influencers.selectors.history import snapshot_arrays
from tests.factories import AccountFactory, HistoryPointFactory, PostFactory

UTC = dt.UTC
AS_OF = dt.datetime(2026, 3, 21, 12, 0, tzinfo=UTC)
PLATFORMS = ("instagram", "tiktok", "xiaohongshu", "youtube", "weibo", "pinterest", "not-a-platform")
Account = tuple[str, list[SnapshotPoint], list[PostPoint]]


def _reference(accounts: list[Account], as_of: dt.datetime, n_posts: int = 12, window_days: int = 90) -> list:
    return [
        compute_account_metrics(
            platform=platform, posts=posts, snapshots=snaps, as_of=as_of, n_posts=n_posts, window_days=window_days
        )
        for platform, snaps, posts in accounts
    ]


def _chunk(accounts: list[Account], as_of: dt.datetime, n_posts: int = 12, window_days: int = 90) -> list:
    history = history_arrays([snaps for _, snaps, _ in accounts], [posts for _, _, posts in accounts])
    platforms = [platform for platform, _, _ in accounts]
    return chunk_metrics(platforms, history, as_of=as_of, n_posts=n_posts, window_days=window_days)


def _random_account(rng: random.Random) -> Account:
    snaps = []
    day = dt.date(2025, 6, 1) + dt.timedelta(days=rng.randint(0, 300))
    for _ in range(rng.choice([0, 1, 2, 5, 40, 150])):
        followers = rng.choice([0, rng.randint(0, 10**7)])
        snaps.append(
            SnapshotPoint(
                day, followers, rng.choice([None, rng.randint(0, 999)]), rng.choice([None, rng.randint(0, 999)])
            )
        )
        day += dt.timedelta(days=rng.choice([1, 1, 1, 2, 7, 60]))
    posts = []
    posted = dt.datetime(2025, 5, 1, tzinfo=UTC) + dt.timedelta(seconds=rng.randint(0, 40_000_000))
    for _ in range(rng.choice([0, 1, 3, 12, 13, 40])):
        posts.append(
            PostPoint(
                posted,
                rng.randint(0, 50_000),
                rng.randint(0, 5_000),
                rng.choice([None, rng.randint(0, 1000)]),
                rng.choice([None, 0, rng.randint(0, 10**6)]),
                rng.choice([None, rng.randint(0, 1000)]),
            )
        )
        # Zero: two posts at the same time; microseconds: times the database keeps exactly.
        posted += dt.timedelta(hours=rng.choice([0, 1, 24, 72, 24 * 40]), microseconds=rng.choice([0, 123_457]))
    rng.shuffle(posts)
    return rng.choice(PLATFORMS), snaps, posts


@pytest.mark.parametrize("seed", range(8))
def test_random_chunks_equal_the_reference(seed):
    rng = random.Random(seed)
    for _ in range(10):
        accounts = [_random_account(rng) for _ in range(rng.randint(1, 40))]
        as_of = AS_OF - dt.timedelta(days=rng.choice([0, 30, 120, 400]), hours=rng.randint(0, 23))
        n_posts, window_days = rng.choice([(12, 90), (3, 30), (50, 365)])
        assert _chunk(accounts, as_of, n_posts, window_days) == _reference(accounts, as_of, n_posts, window_days)


def test_an_empty_chunk_has_no_figures():
    assert _chunk([], AS_OF) == []


def _at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _daily(start: str, days: int, followers: int = 1000, step: int = 10) -> list[SnapshotPoint]:
    first = dt.date.fromisoformat(start)
    return [SnapshotPoint(first + dt.timedelta(days=d), followers + step * d, 100, 50) for d in range(days)]


def _post(day: str, likes: int = 100, comments: int = 10, *, views: int | None = 1000, hour: int = 9) -> PostPoint:
    return PostPoint(_at(day, hour), likes, comments, saves=5, views=views, shares=2)


SNAPS = _daily("2026-01-01", 80)  # 2026-01-01 … 2026-03-21
POSTS = [_post(f"2026-03-{d:02d}", likes=100 + d) for d in range(1, 21, 3)]
# Snapshots five days apart: a post on 03-13 is 2 days from 03-11 and 03-15 alike.
SPARSE = [SnapshotPoint(dt.date(2026, 3, 11), 1000), SnapshotPoint(dt.date(2026, 3, 15), 3000)]
EDGE_CASES: dict[str, Account] = {
    "no snapshots": ("instagram", [], POSTS),
    "one snapshot": ("instagram", SNAPS[-1:], POSTS),
    "no posts": ("instagram", SNAPS, []),
    "nothing at all": ("tiktok", [], []),
    "posts older than all snapshots": (
        "instagram",
        _daily("2026-02-20", 30),
        [_post("2026-01-05"), _post("2026-01-09")],
    ),
    "posts newer than all snapshots": ("weibo", _daily("2025-10-01", 30), POSTS),
    "gap longer than the growth gap limit": (
        "instagram",
        [*_daily("2025-09-01", 10), *_daily("2026-03-15", 7)],
        POSTS,
    ),
    "0 followers at the start": ("instagram", [*_daily("2025-12-01", 60, followers=0, step=0), *SNAPS], POSTS),
    "views None": ("tiktok", SNAPS, [_post("2026-03-02", views=None), _post("2026-03-05", views=None)]),
    "views 0 and None mixed": (
        "youtube",
        SNAPS,
        [_post("2026-03-02", views=0), _post("2026-03-05", views=None), *POSTS],
    ),
    "xiaohongshu": ("xiaohongshu", SNAPS, POSTS),
    "tie between two snapshots equally near a post": ("instagram", SPARSE, [_post("2026-03-13")]),
    "as_of cut-off excludes newer data": (
        "instagram",
        _daily("2026-01-01", 120),  # to 2026-04-30, after AS_OF
        [*POSTS, _post("2026-03-21", hour=11), _post("2026-03-21", hour=13), _post("2026-04-10", likes=99_999)],
    ),
    "more than n_posts posts inside the window": (
        "instagram",
        SNAPS,
        [_post(f"2026-03-{d:02d}", likes=d) for d in range(1, 21)] + [_post("2026-02-15", likes=7)],
    ),
    "posts outside the window": ("instagram", SNAPS, [*POSTS, _post("2025-11-01", likes=50_000)]),
    "two posts at the same time at the n_posts limit": (
        "instagram",
        SNAPS,
        [_post(f"2026-03-{d:02d}", likes=d) for d in range(1, 12)] + [_post("2026-03-01", likes=555)],
    ),
}


@pytest.mark.parametrize("case", list(EDGE_CASES))
def test_named_edge_cases_equal_the_reference(case):
    account = EDGE_CASES[case]
    # Alone, and among other accounts (the searches run over the whole chunk).
    neighbours = [("instagram", SNAPS, POSTS), ("tiktok", _daily("2025-01-01", 3), [_post("2025-01-02")])]
    assert _chunk([account], AS_OF) == _reference([account], AS_OF)
    chunk = [neighbours[0], account, neighbours[1]]
    assert _chunk(chunk, AS_OF) == _reference(chunk, AS_OF)


def test_the_edge_cases_reach_the_paths_they_name():
    """The reference's own figures for the cases: each case exercises what its name says."""

    def result(case):
        return _reference([EDGE_CASES[case]], AS_OF)[0]

    assert result("tie between two snapshots equally near a post").er_by_followers == 110 / 1000  # the earlier
    assert (
        result("gap longer than the growth gap limit")
        .details["growth_30d"]["reason"]
        .startswith("nearest snapshot before the horizon is")
    )
    assert (
        result("0 followers at the start").details["growth_90d"]["reason"] == "0 followers at the start of the period"
    )
    assert result("as_of cut-off excludes newer data").details["data_as_of"]["newest_snapshot"] == "2026-03-21"
    assert result("as_of cut-off excludes newer data").last_post_at == _at("2026-03-21", hour=11)
    assert result("more than n_posts posts inside the window").er_posts_used == 12
    assert result("views None").engagement_rate is None
    assert result("posts older than all snapshots").details["er_by_followers"]["per_post"] == [0.11, 0.11]


@pytest.mark.django_db
def test_snapshot_arrays_are_by_account_and_date_cut_at_until():
    # The metrics' history matrix: account, day since 1970, followers, following, posts
    # (MISSING unknown), by account then date whatever order the points were written in, the
    # points after `until` left out and accounts without any absent.
    first, second, none, later = (AccountFactory() for _ in range(4))
    for account in (second, first):
        for day in (dt.date(2026, 1, 3), dt.date(2026, 1, 1), dt.date(2026, 1, 2), dt.date(2026, 1, 9)):
            HistoryPointFactory(account=account, date=day, followers=day.day, following=None, posts=day.day * 2)
    HistoryPointFactory(account=later, date=dt.date(2026, 2, 1), followers=1, following=1, posts=1)
    ids = [a.pk for a in (later, none, second, first)]
    table = snapshot_arrays(ids, until=dt.date(2026, 1, 3))
    day = (dt.date(2026, 1, 1) - dt.date(1970, 1, 1)).days
    expected = [
        [account.pk, day + d, d + 1, MISSING, 2 * (d + 1)]
        for account in sorted((first, second), key=lambda a: a.pk)
        for d in range(3)
    ]
    assert table.dtype == np.int64 and table.tolist() == expected
    assert snapshot_arrays([none.pk], until=dt.date(2026, 1, 3)).shape == (0, 5)


@pytest.mark.django_db
def test_refresh_stores_what_the_reference_computes_from_the_same_history():
    """The service's raw readers (dates, UTC times, missing counts, the post window read from the
    oldest newest post) on this database, against the reference fed by the ORM."""
    rng = random.Random(11)
    accounts = []
    for index in range(12):
        platform, snaps, posts = _random_account(rng)
        if index == 0:  # data after the cut-off, and a post exactly one window before the newest
            snaps = _daily("2026-01-01", 120)
            newest = AS_OF - dt.timedelta(days=3)
            posts = [PostPoint(newest, 5, 1), PostPoint(newest - dt.timedelta(days=90), 7, 1), _post("2026-04-01")]
        account = AccountFactory(platform=platform)
        # The points' fields are the models' own names.
        for snap in snaps:
            HistoryPointFactory(account=account, **snap._asdict())
        for post in posts:
            PostFactory(account=account, **post._asdict())
        accounts.append((account, platform, snaps, posts))

    assert refresh_metrics([a.pk for a, *_ in accounts], as_of=AS_OF, chunk_size=5) == len(accounts)

    stored = {m.account_id: m for m in AccountMetrics.objects.all()}
    for account, platform, snaps, posts in accounts:
        want = compute_account_metrics(platform=platform, posts=posts, snapshots=snaps, as_of=AS_OF)
        got = stored[account.pk]
        for name in ("followers", "following", "posts_count", "engagement_rate", "er_formula", "er_by_followers"):
            assert getattr(got, name) == getattr(want, name), name
        for name in ("er_by_views", "er_xiaohongshu", "er_posts_used", "avg_likes", "avg_comments", "avg_views"):
            assert getattr(got, name) == getattr(want, name), name
        for name in ("growth_7d", "growth_30d", "growth_90d", "posts_per_week", "last_post_at", "data_as_of"):
            assert getattr(got, name) == getattr(want, name), name
        assert got.details == want.details
