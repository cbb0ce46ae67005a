"""Engagement against platform/tier benchmarks and engagement anomalies (pure)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from tests.words import en
from vetting.scoring.engagement import (
    BENCHMARKS_PATH,
    PostStats,
    benchmark_for,
    engagement_quality,
    engagement_report,
    load_benchmarks,
    tier_for,
)
from vetting.scoring.risk import engagement_signals, reach_signals

T0 = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


def posts(n: int, likes, comments, views=None, shares=None) -> list[PostStats]:
    def at(x, i):
        return x[i] if isinstance(x, (list, np.ndarray)) else x

    return [
        PostStats(
            i,
            T0 - dt.timedelta(days=3 * (n - i)),
            at(likes, i),
            at(comments, i),
            at(shares, i) if shares is not None else None,
            None,
            at(views, i) if views is not None else None,
        )
        for i in range(n)
    ]


def test_benchmark_table_is_documented_data():
    data = json.loads(BENCHMARKS_PATH.read_text())
    assert data["as_of"] and data["sources"]
    for name, row in data["platforms"].items():
        assert row["formula"] and row["sources"], name
        for key in row["sources"]:
            assert key in data["sources"], (name, key)
        for tier in ("nano", "micro", "mid", "macro", "mega"):
            values = row["tiers"][tier]
            assert values["low"] < values["median"] < values["high"], (name, tier)


def test_tiers_and_platform_rows():
    assert [tier_for(f) for f in (500, 9_999, 10_000, 60_000, 600_000, 3_000_000)] == [
        "nano",
        "nano",
        "micro",
        "mid",
        "macro",
        "mega",
    ]
    bench = benchmark_for("tiktok", 40_000)
    assert bench["denominator"] == "views" and bench["tier"] == "micro"
    assert benchmark_for("myspace", 100) is None


def test_normal_engagement_is_within_the_benchmark():
    bench = benchmark_for("instagram", 20_000)
    report = engagement_report(
        platform="instagram", followers=20_000, posts=posts(20, likes=int(20_000 * bench["median"]), comments=8)
    )
    assert report.position == "within"
    assert report.er_ratio == pytest.approx(1.0, abs=0.05)
    assert engagement_signals(report)[0].risk == 0.0


def test_engagement_far_below_the_tier_raises_risk():
    report = engagement_report(platform="instagram", followers=200_000, posts=posts(20, likes=150, comments=4))
    assert report.position == "far below"
    signal = engagement_signals(report)[0]
    assert signal.risk >= 0.8
    assert "mid" in en(signal.benchmark) and "below" in en(signal.explanation)


def test_engagement_far_above_is_suspicious_but_less_than_far_below():
    above = engagement_report(platform="instagram", followers=50_000, posts=posts(20, likes=15_000, comments=300))
    below = engagement_report(platform="instagram", followers=50_000, posts=posts(20, likes=20, comments=1))
    assert above.position == "far above"
    assert 0 < engagement_signals(above)[0].risk < engagement_signals(below)[0].risk


def test_video_platform_uses_views_and_reach_per_follower():
    healthy = engagement_report(
        platform="tiktok", followers=100_000, posts=posts(15, likes=2_400, comments=100, views=40_000, shares=80)
    )
    ghost = engagement_report(
        platform="tiktok", followers=100_000, posts=posts(15, likes=120, comments=5, views=2_000, shares=4)
    )
    # The catalogue's TikTok ER, the definition the benchmark row was measured with.
    assert healthy.formula == "median over recent posts of (likes + comments + shares) / views"
    assert healthy.engagement_rate == pytest.approx((2_400 + 100 + 80) / 40_000)
    assert engagement_signals(healthy)[0].risk == 0.0
    assert reach_signals(healthy)[0].risk == 0.0
    # Reach is its own signal, named for what it measures (issue 15, item 7).
    (signal,) = reach_signals(ghost)
    assert signal.name == "views_per_follower" and signal.label == "Views far below followers"
    assert signal.risk > 0.5 and "do not watch" in en(signal.explanation)
    assert "do not watch" not in en(engagement_signals(ghost)[0].explanation)


def test_likes_without_comments_and_comment_heavy_posts_are_flagged():
    no_comments = engagement_report(platform="instagram", followers=20_000, posts=posts(12, likes=400, comments=0))
    pods = engagement_report(platform="instagram", followers=20_000, posts=posts(12, likes=300, comments=120))
    normal = engagement_report(platform="instagram", followers=20_000, posts=posts(12, likes=400, comments=10))
    assert engagement_signals(no_comments)[1].risk >= 0.5
    assert engagement_signals(pods)[1].risk >= 0.5 and "pods" in en(engagement_signals(pods)[1].explanation)
    assert engagement_signals(normal)[1].risk == 0.0


def test_sudden_engagement_spike_names_the_post():
    likes = [400] * 20
    likes[13] = 9_000
    report = engagement_report(platform="instagram", followers=20_000, posts=posts(20, likes=likes, comments=10))
    spikes = [c for c in report.changes if c.kind == "spike"]
    assert [c.post_id for c in spikes] == [13]
    assert spikes[0].date == (T0 - dt.timedelta(days=3 * 7)).date().isoformat()


def test_level_shift_is_found():
    likes = [600] * 14 + [90] * 7
    report = engagement_report(platform="instagram", followers=20_000, posts=posts(21, likes=likes, comments=10))
    assert any(c.kind == "shift" for c in report.changes)
    assert engagement_signals(report)[1].risk >= 0.3


def test_no_posts_is_unavailable_not_clean():
    report = engagement_report(platform="instagram", followers=1_000, posts=[])
    assert not report.available
    assert all(s.risk is None for s in engagement_signals(report))


def test_custom_benchmark_table_overrides_the_default():
    table = json.loads(json.dumps(load_benchmarks()))
    table["platforms"]["instagram"]["tiers"]["micro"] = {"median": 0.2, "low": 0.1, "high": 0.4}
    report = engagement_report(
        platform="instagram", followers=20_000, posts=posts(12, likes=600, comments=10), table=table
    )
    assert report.position == "far below"


def test_engagement_quality_is_monotone_and_nan_safe():
    q = engagement_quality(np.array([0.005, 0.01, 0.02, np.nan]), np.array([0.01, 0.01, 0.01, 0.01]))
    assert q[0] < q[1] < q[2] < 1 and np.isnan(q[3])
    assert q[1] == pytest.approx(2 / 3)


def test_post_points_made_in_c_are_the_named_tuples():
    # `_points` builds PostPoints without their Python __new__: the same fields, values and types.
    import random

    from influencers.metrics.engagement import PostPoint
    from vetting.scoring.engagement import _moment, _points

    rng = random.Random(5)
    posts, theirs = [], []
    for i in range(300):
        posted = rng.choice([dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), dt.date(2026, 1, 2)])
        counts = [rng.choice([None, 0, 7, 12.0, 3.9]) for _ in range(5)]
        post = PostStats(i, posted, counts[0] or 0, counts[1] or 0, *counts[2:])
        posts.append(post)
        theirs.append(
            PostPoint(
                _moment(posted),
                int(post.likes or 0),
                int(post.comments or 0),
                saves=None if post.saves is None else int(post.saves),
                views=None if post.views is None else int(post.views),
                shares=None if post.shares is None else int(post.shares),
            )
        )
    ours = _points(posts, [_moment(p.posted_at) for p in posts])
    assert all(type(point) is PostPoint for point in ours) and ours == theirs
    assert [point._asdict() for point in ours] == [point._asdict() for point in theirs]
    assert [[type(v) for v in point] for point in ours] == [[type(v) for v in point] for point in theirs]
    assert _points([], []) == []


def test_posts_given_as_any_iterable():
    # The posts may be any iterable, as when they were sorted at once: an iterator gives the
    # report the list gives (posts at the same moment, a date and its midnight, included).
    day = dt.date(2026, 1, 10)
    midnight = dt.datetime(2026, 1, 10, tzinfo=dt.UTC)
    posts = [PostStats(i, day if i % 2 else midnight, 100 + i, 5, views=1_000) for i in range(8)]
    posts += [
        PostStats(100 + i, midnight - dt.timedelta(days=1 + i), 100 + 900 * (i == 3), 5, views=1_000) for i in range(8)
    ]
    report = engagement_report(platform="youtube", followers=10_000.0, posts=posts, recent=10)
    assert report.pattern_posts == 10 and report.available
    again = engagement_report(platform="youtube", followers=10_000.0, posts=iter(posts), recent=10)
    assert again.as_dict() == report.as_dict()
