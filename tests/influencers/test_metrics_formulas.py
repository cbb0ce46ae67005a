"""Each engagement/growth formula pinned against values computed by hand from constructed data."""

from __future__ import annotations

import datetime as dt

import pytest

from influencers.metrics import (
    PostPoint,
    SnapshotPoint,
    compute_account_metrics,
    engagement_by_followers,
    engagement_by_views,
    engagement_xiaohongshu,
    follower_growth,
    followers_at,
    posting_cadence,
    recent_posts,
)

UTC = dt.UTC
AS_OF = dt.datetime(2026, 3, 21, 12, 0, tzinfo=UTC)


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


SNAPSHOTS = [
    SnapshotPoint(dt.date(2026, 3, 1), 1000, 100, 50),
    SnapshotPoint(dt.date(2026, 3, 10), 2000, 110, 55),
    SnapshotPoint(dt.date(2026, 3, 20), 4000, 120, 60),
]
# Nearest snapshot per post: P1 → 03-01 (1000), P2 (03-06: 5 days vs 4) → 03-10 (2000),
# P3 → 03-20 (4000), P4 (03-15: 5 days either side, tie → earlier) → 03-10 (2000).
P1 = PostPoint(at("2026-03-02"), likes=90, comments=10, saves=100, views=1000)  # 100/1000 = 0.10
P2 = PostPoint(at("2026-03-06"), likes=250, comments=50, saves=None, views=1500)  # 300/2000 = 0.15
P3 = PostPoint(at("2026-03-18"), likes=180, comments=20, saves=200, views=None)  # 200/4000 = 0.05
P4 = PostPoint(at("2026-03-15"), likes=360, comments=40, saves=100, views=0)  # 400/2000 = 0.20
OLD = PostPoint(at("2025-12-01"), likes=99_999, comments=9_999, saves=0, views=10)  # outside the 90 days
POSTS = [P1, P2, P3, P4, OLD]


def test_followers_at_picks_the_nearest_snapshot_and_the_earlier_on_a_tie():
    assert followers_at(SNAPSHOTS, dt.date(2026, 3, 6)).followers == 2000
    assert followers_at(SNAPSHOTS, dt.date(2026, 3, 15)).followers == 2000
    assert followers_at(SNAPSHOTS, dt.date(2026, 2, 1)).followers == 1000
    assert followers_at(SNAPSHOTS, dt.date(2026, 4, 1)).followers == 4000
    assert followers_at([], dt.date(2026, 4, 1)) is None


def test_er_by_followers_is_the_median_over_posts_of_likes_plus_comments_over_followers_then():
    used = recent_posts(POSTS, AS_OF)
    assert OLD not in used and len(used) == 4
    result = engagement_by_followers(used, SNAPSHOTS, current_followers=4000)
    # rates 0.10, 0.15, 0.05, 0.20 → median (0.10 + 0.15) / 2
    assert result.value == pytest.approx(0.125)
    assert result.posts_used == 4
    assert "followers at posting time" in result.formula


def test_er_by_followers_uses_current_followers_without_history():
    result = engagement_by_followers([P1, P2], [], current_followers=500)
    # (100/500, 300/500) → median 0.4
    assert result.value == pytest.approx(0.4)
    assert result.inputs["followers_from"] == "current followers"


def test_er_by_views_skips_posts_without_views():
    result = engagement_by_views([P1, P2, P3, P4])
    # P1 100/1000 = 0.1, P2 300/1500 = 0.2; P3 unknown, P4 zero views → skipped
    assert result.value == pytest.approx(0.15)
    assert result.posts_used == 2


def test_er_xiaohongshu_counts_saves():
    result = engagement_xiaohongshu([P1, P2, P3, P4], SNAPSHOTS)
    # P1 200/1000=0.2, P2 300/2000=0.15 (unknown saves = 0), P3 400/4000=0.1, P4 500/2000=0.25 → 0.175
    assert result.value == pytest.approx(0.175)


def test_only_the_n_newest_posts_count():
    used = recent_posts(POSTS, AS_OF, n=3)
    assert used == [P3, P4, P2]
    # rates 0.05, 0.20, 0.15 → median 0.15
    assert engagement_by_followers(used, SNAPSHOTS).value == pytest.approx(0.15)


def test_posts_after_as_of_are_ignored():
    future = PostPoint(at("2026-03-25"), likes=5, comments=0)
    assert future not in recent_posts([*POSTS, future], AS_OF)


DAILY = [SnapshotPoint(dt.date(2026, 1, 1) + dt.timedelta(days=d), 1000 + 10 * d) for d in range(101)]


def test_growth_over_each_horizon_from_daily_history():
    # latest day 100: 2000 followers; day 93: 1930; day 70: 1700; day 10: 1100
    assert follower_growth(DAILY, 7).value == pytest.approx(70 / 1930)
    assert follower_growth(DAILY, 30).value == pytest.approx(300 / 1700)
    assert follower_growth(DAILY, 90).value == pytest.approx(900 / 1100)


def test_growth_uses_the_nearest_snapshot_at_or_before_the_horizon():
    d0 = dt.date(2026, 1, 1)
    snaps = [SnapshotPoint(d0 + dt.timedelta(days=d), f) for d, f in [(0, 800), (5, 1000), (12, 1200), (100, 1500)]]
    # horizon day 10: day 5 is at-or-before (day 12 is nearer but after) → (1500 − 1000) / 1000
    result = follower_growth(snaps, 90)
    assert result.value == pytest.approx(0.5)
    assert result.inputs["from_date"] == "2026-01-06"


def test_growth_is_none_when_history_is_too_short_or_too_sparse():
    assert follower_growth(DAILY[-20:], 30).value is None
    assert "history starts" in follower_growth(DAILY[-20:], 30).inputs["reason"]
    assert follower_growth([], 7).value is None
    sparse = [DAILY[0], DAILY[-1]]
    assert follower_growth(sparse, 7).value is None  # day 0 is 93 days before the 7-day horizon
    assert follower_growth(sparse, 90).value == pytest.approx(1.0)  # day 0 is 10 days before day 10


def test_posting_cadence_is_posts_per_week_over_90_days():
    times = [AS_OF - dt.timedelta(days=d) for d in (1, 10, 20, 30, 40, 50, 60, 70, 80, 85, 88, 89, 89.9, 95, 200)]
    value, details = posting_cadence(times, AS_OF)
    assert details["posts"] == 13
    assert value == pytest.approx(13 / (90 / 7))


def test_headline_er_is_by_views_on_video_platforms_and_by_followers_elsewhere():
    common = dict(posts=POSTS, snapshots=SNAPSHOTS, as_of=AS_OF)
    tiktok = compute_account_metrics(platform="tiktok", **common)
    assert tiktok.engagement_rate == pytest.approx(0.15) and "views" in tiktok.er_formula
    assert tiktok.er_posts_used == 2
    instagram = compute_account_metrics(platform="instagram", **common)
    assert instagram.engagement_rate == pytest.approx(0.125) and "followers" in instagram.er_formula
    assert instagram.er_posts_used == 4
    assert instagram.er_xiaohongshu is None
    red = compute_account_metrics(platform="xiaohongshu", **common)
    assert red.engagement_rate == pytest.approx(0.175) and "saves" in red.er_formula
    # One definition per platform, no fallback to another denominator: a YouTube rate by
    # followers would be compared with by-views benchmarks and rates. The by-followers figure
    # is still there, as a comparison figure.
    no_views = [PostPoint(p.posted_at, p.likes, p.comments) for p in POSTS]
    youtube = compute_account_metrics(platform="youtube", posts=no_views, snapshots=SNAPSHOTS, as_of=AS_OF)
    assert youtube.engagement_rate is None and youtube.er_formula == "" and youtube.er_posts_used == 0
    assert "view count" in youtube.details["engagement_rate"]["reason"]
    assert youtube.er_by_followers == pytest.approx(0.125)


def test_account_metrics_averages_counters_and_details():
    result = compute_account_metrics(platform="instagram", posts=POSTS, snapshots=SNAPSHOTS, as_of=AS_OF)
    assert result.avg_likes == pytest.approx((90 + 250 + 180 + 360) / 4)
    assert result.avg_comments == pytest.approx((10 + 50 + 20 + 40) / 4)
    assert result.avg_views == pytest.approx((1000 + 1500 + 0) / 3)  # posts with a view count
    assert (result.followers, result.following, result.posts_count) == (4000, 120, 60)
    assert result.last_post_at == P3.posted_at
    assert result.posts_per_week == pytest.approx(4 / (90 / 7))
    # growth 7d: 03-13 → nearest at or before is 03-10 (3 days gap ≤ 3) → (4000 − 2000) / 2000
    assert result.growth_7d == pytest.approx(1.0)
    assert result.growth_30d is None  # history starts 03-01, after 02-18
    for key in ("engagement_rate", "er_by_followers", "er_by_views", "growth_7d", "posts_per_week", "avg_likes"):
        assert result.details[key]["formula"], key
    assert result.details["er_by_followers"]["per_post"] == [0.05, 0.2, 0.15, 0.1]


def test_account_without_anything_has_empty_metrics():
    result = compute_account_metrics(platform="weibo", posts=[], snapshots=[], as_of=AS_OF)
    assert result.followers == 0 and result.engagement_rate is None and result.er_formula == ""
    assert result.posts_per_week == 0 and result.last_post_at is None and result.growth_7d is None


# --- windows anchored on the data's own dates -------------------------------------------------

OLD_SNAPSHOTS = [SnapshotPoint(dt.date(2018, 1, 1) + dt.timedelta(days=d), 5000 + 10 * d) for d in range(0, 200, 5)]
# Newest post 2018-07-10; 90 days back is 2018-04-11. Followers at posting time (snapshots every
# 5 days from 2018-01-01): 07-10 is day 190 → 6900; 06-20 day 170 → 6700; 05-01 day 120 → 6200.
OLD_POSTS = [
    PostPoint(at("2018-07-10"), likes=676, comments=14),  # 690/6900 = 0.10
    PostPoint(at("2018-06-20"), likes=1300, comments=40),  # 1340/6700 = 0.20
    PostPoint(at("2018-05-01"), likes=1800, comments=60),  # 1860/6200 = 0.30
    PostPoint(at("2018-03-01"), likes=9999, comments=999),  # before the window
]


def test_windows_end_at_the_accounts_newest_post_not_at_today():
    result = compute_account_metrics(platform="instagram", posts=OLD_POSTS, snapshots=OLD_SNAPSHOTS)
    assert result.engagement_rate == pytest.approx(0.20)  # median of 0.10, 0.20, 0.30
    assert result.er_posts_used == 3
    assert result.posts_per_week == pytest.approx(3 / (90 / 7))
    assert result.last_post_at == at("2018-07-10")
    # growth from the newest snapshot (day 195, 2018-07-15: 6950) back 30 days (day 165: 6650)
    assert result.growth_30d == pytest.approx(300 / 6650)
    assert result.data_as_of == dt.date(2018, 7, 15)  # the snapshot is newer than the newest post
    assert result.details["window"]["to"] == at("2018-07-10").isoformat()
    assert result.details["data_as_of"]["newest_post"] == at("2018-07-10").isoformat()


def test_an_explicit_cutoff_ignores_later_posts_and_snapshots():
    cutoff = dt.datetime(2018, 6, 30, 23, 59, tzinfo=UTC)
    result = compute_account_metrics(platform="instagram", posts=OLD_POSTS, snapshots=OLD_SNAPSHOTS, as_of=cutoff)
    # The 07-10 post and the snapshots after 06-30 were not collected yet: the window ends at
    # 06-20 and holds 06-20 (0.20) and 05-01 (0.30).
    assert result.engagement_rate == pytest.approx(0.25)
    assert result.last_post_at == at("2018-06-20")
    assert result.followers == 5000 + 10 * 180  # the 2018-06-30 snapshot (day 180)
    assert result.data_as_of == dt.date(2018, 6, 30)


def test_data_as_of_is_the_newest_post_when_snapshots_are_older():
    result = compute_account_metrics(platform="instagram", posts=OLD_POSTS, snapshots=OLD_SNAPSHOTS[:10])
    assert result.data_as_of == dt.date(2018, 7, 10)
    only_snapshots = compute_account_metrics(platform="instagram", posts=[], snapshots=OLD_SNAPSHOTS[:3])
    assert only_snapshots.data_as_of == dt.date(2018, 1, 11) and only_snapshots.engagement_rate is None


# --- one engagement-rate definition per platform ----------------------------------------------

ONE_POST = [PostPoint(at("2019-05-30"), likes=100, comments=10, saves=30, views=1000, shares=20)]
ONE_SNAPSHOT = [SnapshotPoint(dt.date(2019, 5, 30), 2000)]


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("instagram", 110 / 2000),  # likes + comments, by followers
        ("xiaohongshu", 140 / 2000),  # + saves
        ("pinterest", 140 / 2000),  # + saves
        ("weibo", 130 / 2000),  # + shares
        ("x", 130 / 2000),
        ("facebook", 130 / 2000),
        ("youtube", 110 / 1000),  # likes + comments, by views
        ("tiktok", 130 / 1000),  # + shares, by views
        ("douyin", 130 / 1000),
        ("bilibili", 130 / 1000),
    ],
)
def test_each_platform_has_one_engagement_rate_definition(platform, expected):
    result = compute_account_metrics(platform=platform, posts=ONE_POST, snapshots=ONE_SNAPSHOT)
    assert result.engagement_rate == pytest.approx(expected)
    assert result.details["engagement_rate"]["per_post"] == [round(expected, 6)]


def test_unknown_shares_and_saves_count_zero():
    post = [PostPoint(at("2019-05-30"), likes=100, comments=10, views=1000)]
    assert compute_account_metrics(platform="tiktok", posts=post, snapshots=[]).engagement_rate == pytest.approx(0.11)
    weibo = compute_account_metrics(platform="weibo", posts=post, snapshots=ONE_SNAPSHOT)
    assert weibo.engagement_rate == pytest.approx(110 / 2000)


# --- staleness ---------------------------------------------------------------------------------


def test_stale_after_the_limit_or_when_undated():
    from influencers.metrics import data_age_days, is_stale

    today = dt.date(2026, 3, 21)
    assert not is_stale(dt.date(2025, 12, 21), today, 90)  # exactly 90 days old: still fresh
    assert is_stale(dt.date(2025, 12, 20), today, 90)  # 91 days
    assert is_stale(None, today, 90)
    assert is_stale(dt.date(2019, 5, 30), today, 90) and data_age_days(dt.date(2019, 5, 30), today) == 2487
