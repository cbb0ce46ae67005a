"""The engagement scorer's fast paths (vetting.scoring.engagement) against the form they replaced,
on hostile inputs: posts unsorted, tied, dated before the first snapshot or after the last, given
as dates; histories unsorted, with same-day snapshots, unknown or zero followers, or none; counts
unknown, zero, fractional or NaN; every kind of stored rate. The report must be the same JSON
text whether the history is given as columns (`history`, as the vetting service does) or as
SnapshotPoints, and the same as the old per-post form's."""

from __future__ import annotations

import datetime as dt
import math
import random
from operator import attrgetter

import numpy as np
import pytest

from core.stored_json import stored_json
from influencers.metrics.engagement import (
    PostPoint,
    er_definition,
    platform_engagement,
    post_interactions,
    recent_posts,
)
from influencers.metrics.growth import SnapshotPoint, followers_at
from vetting import messages as m
from vetting.scoring import engagement as eng
from vetting.scoring.engagement import EngagementReport, PostStats, StoredEngagement, engagement_report
from vetting.scoring.robust import median, rolling_median

_points = eng._points  # the module's own, before a test wraps it

PLATFORMS = ["instagram", "tiktok", "youtube", "xiaohongshu", "weibo", "pinterest", "myspace"]
STORED = [None, StoredEngagement(None, "", 0), StoredEngagement(0.031, "by followers", 12)]
T0 = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
EAST = dt.timezone(dt.timedelta(hours=8))


def _old_point_at(post: PostStats, moment: dt.datetime) -> PostPoint:
    """A post's PostPoint as `_point_at` made it, one post at a time."""

    def count(value):
        return None if value is None else int(value)

    return PostPoint(
        moment, int(post.likes or 0), int(post.comments or 0), count(post.saves), count(post.views), count(post.shares)
    )


def _old_rates(points, definition, snaps, current):
    """The per-post rates by `followers_at` of each post, one post at a time."""
    out = []
    for point in points:
        if definition.denominator == "views":
            base = point.views
        else:
            nearest = followers_at(snaps, point.posted_at.date())
            base = nearest.followers if nearest is not None else current
        out.append(post_interactions(point, definition) / base if base else None)
    return out


def _old_report(*, platform, followers, posts, table=None, recent=eng.RECENT_POSTS, snapshots=(), stored=None):
    """`engagement_report` as it was: every post made a PostPoint, the history sorted
    SnapshotPoints, each post's followers looked up by `followers_at`."""
    table = table or eng.load_benchmarks()
    posts = list(posts)
    moments = [eng._moment(p.posted_at) for p in posts]
    order = sorted(range(len(moments)), key=moments.__getitem__)[-recent:]
    chosen = [posts[i] for i in order]
    report = EngagementReport(
        available=False, platform=platform, followers=followers, posts_used=0, pattern_posts=len(chosen)
    )
    bench = eng.benchmark_for(platform, followers, table)
    report.benchmark = bench
    definition = er_definition(platform)
    points = [_old_point_at(posts[i], moments[i]) for i in order]
    snaps = sorted(snapshots, key=attrgetter("date"))
    current = followers if followers > 0 else None
    if stored is not None:
        report.engagement_rate, report.formula, report.posts_used = stored.value, stored.formula, stored.posts_used
        missing = m.NO_STORED_RATE()
    else:
        result = platform_engagement(platform, recent_posts(points), snaps, current)
        report.engagement_rate, report.formula, report.posts_used = result.value, result.formula, result.posts_used
        missing = m.NO_RATE(reason=result.inputs.get("reason", "no posts"))
    report.formula = report.formula or definition.formula
    if not chosen:
        report.note = m.NO_POSTS()
        return report
    if bench is None:
        report.note = m.NO_BENCHMARK_FOR(platform=platform)
    likes = sum(float(p.likes or 0) for p in chosen)
    comments = sum(float(p.comments or 0) for p in chosen)
    if comments > 0:
        report.likes_per_comment = likes / comments
    elif likes > 0:
        report.likes_per_comment = math.inf
    views = [float(p.views) for p in chosen if p.views]
    if views and followers > 0:
        report.views_per_follower = float(median(views)) / followers
    if report.engagement_rate is None:
        report.note = missing
        return report
    report.available = True
    if bench is not None and bench["median"] > 0:
        report.er_ratio = report.engagement_rate / bench["median"]
        er = report.engagement_rate
        if er < bench["low"] / 2:
            report.position = "far below"
        elif er < bench["low"]:
            report.position = "below"
        elif er > bench["high"] * 2:
            report.position = "far above"
        elif er > bench["high"]:
            report.position = "above"
        else:
            report.position = "within"
    rated = [
        (rate, post) for rate, post in zip(_old_rates(points, definition, snaps, current), chosen) if rate is not None
    ]
    report.changes = eng.engagement_changes([p for _, p in rated], np.array([r for r, _ in rated]))
    return report


def _hostile_account(rng: random.Random, *, nan: bool = False, fractions: bool = True):
    """Posts and a history built to trip a lookup: see the module's docstring. Without
    `fractions`, every count is a whole int or unknown, as the database gives them."""
    counts = [None, 0, 1, 7, 250, 90_000] + ([3.9] if fractions else []) + ([math.nan] if nan else [])
    spread = rng.choice([3, 40, 200])
    posts = []
    for i in range(rng.choice([0, 1, 2, 5, 6, 7, 12, 30, 45])):
        at = T0 - dt.timedelta(days=rng.randint(-5, spread), hours=rng.choice([0, 0, 3, 23]))
        kind = rng.random()
        if kind < 0.15:
            at = at.date()  # a date: midnight UTC
        elif kind < 0.3:
            at = at.astimezone(EAST)  # another zone: its own calendar day
        elif kind < 0.4 and posts:
            at = posts[-1].posted_at  # a tie with the previous post
        posts.append(
            PostStats(
                i,
                at,
                rng.choice(counts),
                rng.choice(counts),
                rng.choice(counts),
                rng.choice(counts),
                rng.choice([None, 0, 1, 800, 900_000] + ([2.5] if fractions else []) + ([math.nan] if nan else [])),
                rng.random() < 0.2,
            )
        )
    rng.shuffle(posts)
    days = sorted(rng.choices(range(-30, spread + 10), k=rng.choice([0, 1, 2, 5, 60, 200])))
    followers = [None, 0, 1, 5_000, 10**6]
    dates = [(T0 - dt.timedelta(days=d)).date() for d in days]
    history = [SnapshotPoint(day, rng.choice(followers)) for day in dates]  # same-day ones included
    if rng.random() < 0.5:
        rng.shuffle(history)
    return posts, history


def _three_ways(rng: random.Random, posts, history):
    platform = rng.choice(PLATFORMS)
    followers = rng.choice([0.0, 1.0, 12_000.0, 2_500_000.0])
    stored = rng.choice(STORED)
    recent = rng.choice([eng.RECENT_POSTS, 6, 12])
    given = dict(platform=platform, followers=followers, posts=posts, recent=recent, stored=stored)
    columns = ([s.date for s in history], [s.followers for s in history])
    return (
        lambda: _old_report(snapshots=history, **given),
        lambda: engagement_report(snapshots=history, **given),
        lambda: engagement_report(history=columns, **given),
    )


@pytest.mark.parametrize("seed", range(8))
def test_same_report_as_the_old_form_on_hostile_accounts(seed):
    rng = random.Random(seed)
    changed = 0
    for _ in range(250):
        posts, history = _hostile_account(rng)
        old, by_points, by_columns = (stored_json(make().as_report()) for make in _three_ways(rng, posts, history))
        assert by_points == old
        assert by_columns == old
        changed += '"kind":' in old
    assert changed  # some accounts have engagement changes to compare


@pytest.mark.parametrize("seed", range(8))
def test_same_report_as_the_old_form_with_whole_counts(seed, monkeypatch):
    # Int or unknown counts (the database's): the posts are rated as they are, no point made
    # each when a rate is stored (`eng._rates`), with the same rates as their points give.
    made_points = []
    monkeypatch.setattr(eng, "_points", lambda *args: made_points.append(1) or _points(*args))
    rng = random.Random(100 + seed)
    changed = rated_as_they_are = 0
    for _ in range(250):
        posts, history = _hostile_account(rng, fractions=False)
        old, by_points, by_columns = _three_ways(rng, posts, history)
        expected = stored_json(old().as_report())
        for make in (by_points, by_columns):
            made_points.clear()
            report = make()
            assert stored_json(report.as_report()) == expected
            rated_as_they_are += bool(report.changes or report.available) and not made_points
        changed += '"kind":' in expected
    assert changed and rated_as_they_are


@pytest.mark.parametrize("fractions", [False, True])
def test_post_rates_are_the_old_per_post_rates(fractions):
    # Each post's rate as the old form rated its point, one post at a time: as they are when
    # the counts are whole, through the points otherwise.
    rng = random.Random(7)
    for _ in range(600):
        posts, history = _hostile_account(rng, fractions=fractions)
        moments = [eng._moment(p.posted_at) for p in posts]
        snaps = sorted(history, key=attrgetter("date"))
        columns = ([s.date for s in snaps], [s.followers for s in snaps])
        current = rng.choice([None, 1.0, 12_000.0])
        for platform in PLATFORMS:
            definition = er_definition(platform)
            expected = _old_rates(list(map(_old_point_at, posts, moments)), definition, snaps, current)
            assert eng._rates(posts, moments, definition, columns, current) == expected


def _old_changes(posts, rates, z_threshold=eng.SPIKE_Z):
    """`engagement_changes` as it was, a comprehension per step, by numpy's medians."""
    out = []
    if len(rates) < 6:
        return out
    values = np.asarray(rates, dtype=float).tolist()
    logs = np.log(np.maximum(rates, 1e-6))
    local = rolling_median(logs, 5).tolist()
    residual = [x - y for x, y in zip(logs.tolist(), local, strict=True)]
    center = float(median(residual))
    scale = max(1.4826 * float(median([abs(r - center) for r in residual])), eng.LOG_NOISE_FLOOR)
    for i, z in enumerate([r / scale for r in residual]):
        if not abs(z) >= z_threshold:
            continue
        expected = math.exp(local[i])
        kind, reason = ("spike", m.ENGAGEMENT_SPIKE) if z > 0 else ("dip", m.ENGAGEMENT_DIP)
        out.append((posts[i].post_id, eng._date(posts[i].posted_at), kind, values[i], expected, z))
        out[-1] += (reason(rate=values[i], expected=expected, z=abs(z)),)
    cut = len(values) * 2 // 3
    older, newer = float(median(values[:cut])), float(median(values[cut:]))
    if older > 0 and newer > 0 and (newer / older >= eng.SHIFT_FACTOR or older / newer >= eng.SHIFT_FACTOR):
        reason = m.ENGAGEMENT_SHIFT(older=older, newer=newer, factor=newer / older)
        out.append((posts[cut].post_id, eng._date(posts[cut].posted_at), "shift", newer, older, math.nan, reason))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_engagement_changes_as_the_comprehensions_found_them(seed):
    # Spikes, dips and shifts of rates with zeros, ties, NaN and outliers, against the form
    # before `map` and the sliding window (numpy's medians, bit for bit the plain ones').
    rng = np.random.default_rng(seed)
    found = 0
    for _ in range(300):
        size = int(rng.integers(0, 40))
        rates = rng.choice([0.0, 0.02, 0.021, 1e-7, np.nan], size=size) * rng.choice([1.0, 1.0, 5.0, 0.1], size=size)
        rates = rates + rng.choice([0.0, 0.0, 1.0], size=size) * rng.uniform(0, 0.05, size=size)
        if rng.random() < 0.5:
            rates = np.nan_to_num(rates)  # no NaN: the windows without gaps
        posts = [PostStats(i, T0 - dt.timedelta(days=size - i), 1, 1) for i in range(size)]
        threshold = rng.choice([eng.SPIKE_Z, 3, 2.5])
        got = eng.engagement_changes(posts, rates, z_threshold=threshold)
        expected = _old_changes(posts, rates, threshold)
        fields = [(c.post_id, c.date, c.kind, c.engagement_rate, c.expected, c.robust_z, c.reason) for c in got]
        assert stored_json(fields) == stored_json(expected)
        found += len(got)
    assert found


def test_nan_counts_fail_as_before_where_they_are_read():
    # int(NaN) raises: the old form made every post a point, the new one only where the posts
    # are rated, so it may now report where the old one failed, but never the other way round
    # nor differently.
    rng = random.Random(11)
    raised = reported = 0
    for _ in range(600):
        posts, history = _hostile_account(rng, nan=True)
        old, *new_ways = _three_ways(rng, posts, history)
        try:
            expected = stored_json(old().as_report())
        except ValueError:
            raised += 1
            for make in new_ways:
                try:
                    make()
                except ValueError:
                    continue
                reported += 1
            continue
        for make in new_ways:
            assert stored_json(make().as_report()) == expected
    assert raised and reported


def test_history_columns_are_sorted_like_the_snapshots():
    # Unsorted columns with same-day points: sorted stably by date, as the SnapshotPoints are.
    day = dt.date(2026, 2, 10)
    dates = [day, day - dt.timedelta(days=3), day, day - dt.timedelta(days=3), day + dt.timedelta(days=1)]
    followers = [10, 20, 30, None, 0]
    got = eng._follower_columns((), (dates, followers))
    assert got == (
        [day - dt.timedelta(days=3)] * 2 + [day, day, day + dt.timedelta(days=1)],
        [20, None, 10, 30, 0],
    )
    snaps = list(map(SnapshotPoint, dates, followers))
    assert eng._follower_columns(snaps, None) == got
    in_order = ([day, day], [5, 6])
    kept = eng._follower_columns((), in_order)
    assert kept[0] is in_order[0] and kept[1] is in_order[1]  # in order: read as they are
