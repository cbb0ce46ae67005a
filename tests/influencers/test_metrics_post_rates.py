"""`post_engagement_rates` (influencers/metrics/engagement.py), which the vetting scorer calls for
every account, equals its plain per-post form: counters summed with unknown ones as 0, over the
views or the followers of the snapshot nearest the post; so does its twin reading the history as
columns (`post_engagement_rates_by_history`), whose lookup (`followers_on`) is `followers_at`'s."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from influencers.metrics import PostPoint, SnapshotPoint, followers_at, post_engagement_rates
from influencers.metrics.engagement import (
    ER_DEFINITIONS,
    FOLLOWERS,
    VIEWS,
    ERDefinition,
    post_engagement_rates_by_history,
    post_interactions,
)
from influencers.metrics.growth import followers_on

DEFINITIONS = [*ER_DEFINITIONS.values(), ERDefinition(("likes",), VIEWS, ""), ERDefinition(("saves",), FOLLOWERS, "")]


def reference_rates(posts, definition, snapshots, current_followers=None):
    """The per-post loop it replaced."""
    rates = []
    for post in posts:
        if definition.denominator == VIEWS:
            base = post.views
        else:
            nearest = followers_at(snapshots, post.posted_at.date())
            base = nearest.followers if nearest is not None else current_followers
        rates.append(post_interactions(post, definition) / base if base else None)
    return rates


def _history(rng: random.Random) -> tuple[list[PostPoint], list[SnapshotPoint]]:
    start = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
    snapshots = [
        SnapshotPoint(start.date() + dt.timedelta(days=day), rng.choice([0, 1, 5000, 10**6]))
        for day in sorted(rng.choices(range(60), k=rng.randint(0, 8)))  # same-day snapshots too
    ]
    maybe = [None, 0, 3, 70]
    posts = [
        PostPoint(
            start + dt.timedelta(days=rng.randint(-10, 70), hours=rng.randint(0, 23)),
            rng.choice([0, 1, 250]),
            rng.choice([0, 2, 30]),
            rng.choice(maybe),
            rng.choice([None, 0, 900]),
            rng.choice(maybe),
        )
        for _ in range(rng.randint(0, 14))
    ]
    return posts, snapshots


@pytest.mark.parametrize("seed", range(4))
def test_rates_equal_the_per_post_form_on_random_histories(seed):
    rng = random.Random(seed)
    for _ in range(500):
        posts, snapshots = _history(rng)
        definition, current = rng.choice(DEFINITIONS), rng.choice([None, 0, 800])
        expected = reference_rates(posts, definition, snapshots, current)
        assert post_engagement_rates(posts, definition, snapshots, current) == expected
        assert post_engagement_rates(iter(posts), definition, snapshots, current) == expected  # read once


@pytest.mark.parametrize("seed", range(4))
def test_rates_by_history_columns_equal_the_per_post_form(seed):
    rng = random.Random(100 + seed)
    for _ in range(500):
        posts, snapshots = _history(rng)
        definition, current = rng.choice(DEFINITIONS), rng.choice([None, 0, 800])
        dates, followers = [s.date for s in snapshots], [s.followers for s in snapshots]
        expected = reference_rates(posts, definition, snapshots, current)
        assert post_engagement_rates_by_history(posts, definition, dates, followers, current) == expected
        assert post_engagement_rates_by_history(iter(posts), definition, dates, followers, current) == expected


def test_followers_on_picks_the_snapshot_followers_at_picks():
    # Days before the first snapshot, after the last, on one, halfway between two (a tie: the
    # earlier), beside same-day snapshots (followers_at's choice among them), an unknown count.
    start = dt.date(2026, 5, 1)
    dates = [start, start + dt.timedelta(days=4), start + dt.timedelta(days=4), start + dt.timedelta(days=9)]
    followers = [100, None, 300, 0]
    snapshots = [SnapshotPoint(d, f) for d, f in zip(dates, followers)]
    days = [start + dt.timedelta(days=offset) for offset in range(-3, 14)]
    got = followers_on(dates, followers, days, default=7)
    assert got == [followers_at(snapshots, day).followers for day in days]
    assert got[3:6] == [100, 100, 100]  # day 2 is halfway between days 0 and 4: the earlier
    assert got[7] is None and got[3 + 9] == 0 and got[-1] == 0
    assert followers_on([], [], days[:3], default=7) == [7, 7, 7]
    assert followers_on(dates, followers, []) == []


@pytest.mark.parametrize("seed", range(3))
def test_followers_on_equals_followers_at_on_random_histories(seed):
    rng = random.Random(seed)
    start = dt.date(2026, 1, 1)
    for _ in range(300):
        dates = sorted(start + dt.timedelta(days=rng.randint(0, 30)) for _ in range(rng.randint(0, 10)))
        followers = [rng.choice([None, 0, rng.randint(1, 10**6)]) for _ in dates]
        snapshots = [SnapshotPoint(d, f) for d, f in zip(dates, followers)]
        days = [start + dt.timedelta(days=rng.randint(-5, 35)) for _ in range(rng.randint(0, 12))]
        expected = [None if (n := followers_at(snapshots, day)) is None else n.followers for day in days]
        assert followers_on(dates, followers, days) == expected
