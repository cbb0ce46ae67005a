"""`post_engagement_rates` (influencers/metrics/engagement.py), which the vetting scorer calls for
every account, equals its plain per-post form: counters summed with unknown ones as 0, over the
views or the followers of the snapshot nearest the post."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from influencers.metrics import PostPoint, SnapshotPoint, followers_at, post_engagement_rates
from influencers.metrics.engagement import ER_DEFINITIONS, FOLLOWERS, VIEWS, ERDefinition, post_interactions

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
        for day in sorted(rng.sample(range(60), rng.randint(0, 8)))
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
