"""Engagement rates per post and per account (pure functions).

Platforms and tools disagree on the denominator, so every rate comes with its formula:
- by followers: (likes + comments) / followers at posting time — the industry default for
  feed platforms (Instagram, Weibo, X, Facebook, Pinterest);
- by views: (likes + comments) / views — for video platforms (YouTube, TikTok, Douyin, Bilibili)
  whose algorithmic feeds show videos far beyond the follower base, so followers say little
  about who saw a post;
- Xiaohongshu: (likes + saves + comments) / followers — RED's own "赞藏评" interaction count
  treats a save (收藏) as a core engagement, and saves often rival likes there.
Each is the MEDIAN over the recent posts, so one viral or flopped post does not set the figure.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from influencers.metrics.growth import SnapshotPoint, followers_at

VIDEO_PLATFORM_NAMES = frozenset({"youtube", "tiktok", "douyin", "bilibili"})
XIAOHONGSHU = "xiaohongshu"

DEFAULT_POSTS = 12
DEFAULT_WINDOW_DAYS = 90

FORMULA_BY_FOLLOWERS = "median over recent posts of (likes + comments) / followers at posting time"
FORMULA_BY_VIEWS = "median over recent posts of (likes + comments) / views"
FORMULA_XIAOHONGSHU = "median over recent posts of (likes + saves + comments) / followers at posting time"


@dataclass(frozen=True)
class PostPoint:
    """The engagement counters of one post."""

    posted_at: dt.datetime
    likes: int
    comments: int
    saves: int | None = None
    views: int | None = None


@dataclass(frozen=True)
class EngagementResult:
    """A median engagement rate, the formula, and the per-post rates it was taken over."""

    value: float | None
    formula: str
    posts_used: int
    rates: tuple[float, ...] = ()
    inputs: dict[str, Any] = field(default_factory=dict)

    def as_details(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "formula": self.formula,
            "posts_used": self.posts_used,
            "per_post": [round(r, 6) for r in self.rates],
            **self.inputs,
        }


def recent_posts(
    posts: Sequence[PostPoint], as_of: dt.datetime, n: int = DEFAULT_POSTS, window_days: int = DEFAULT_WINDOW_DAYS
) -> list[PostPoint]:
    """The `n` newest posts published in the `window_days` up to `as_of`, newest first."""
    start = as_of - dt.timedelta(days=window_days)
    eligible = [p for p in posts if start < p.posted_at <= as_of]
    eligible.sort(key=lambda p: p.posted_at, reverse=True)
    return eligible[:n]


def _median_rate(
    posts: Sequence[PostPoint],
    numerator: Callable[[PostPoint], float],
    denominator: Callable[[PostPoint], float | None],
) -> tuple[float | None, tuple[float, ...]]:
    rates = []
    for post in posts:
        base = denominator(post)
        if base:  # skip unknown or zero denominators rather than divide by zero
            rates.append(numerator(post) / base)
    return (statistics.median(rates) if rates else None), tuple(rates)


def _follower_denominator(
    snapshots: Sequence[SnapshotPoint], current_followers: int | None
) -> Callable[[PostPoint], float | None]:
    def followers_for(post: PostPoint) -> float | None:
        nearest = followers_at(snapshots, post.posted_at.date())
        return nearest.followers if nearest is not None else current_followers

    return followers_for


def engagement_by_followers(
    posts: Sequence[PostPoint], snapshots: Sequence[SnapshotPoint], current_followers: int | None = None
) -> EngagementResult:
    """Median of (likes + comments) / followers at posting time over `posts`.

    Followers at posting time = the snapshot nearest the post's date; with no snapshots,
    `current_followers`. Posts with an unknown or zero follower count are skipped.
    """
    value, rates = _median_rate(
        posts, lambda p: p.likes + p.comments, _follower_denominator(snapshots, current_followers)
    )
    source = "nearest snapshot" if snapshots else "current followers"
    return EngagementResult(value, FORMULA_BY_FOLLOWERS, len(rates), rates, {"followers_from": source})


def engagement_by_views(posts: Sequence[PostPoint]) -> EngagementResult:
    """Median of (likes + comments) / views over the posts whose view count is known and > 0."""
    value, rates = _median_rate(posts, lambda p: p.likes + p.comments, lambda p: p.views)
    return EngagementResult(value, FORMULA_BY_VIEWS, len(rates), rates)


def engagement_xiaohongshu(
    posts: Sequence[PostPoint], snapshots: Sequence[SnapshotPoint], current_followers: int | None = None
) -> EngagementResult:
    """Median of (likes + saves + comments) / followers at posting time (unknown saves count 0)."""
    value, rates = _median_rate(
        posts, lambda p: p.likes + (p.saves or 0) + p.comments, _follower_denominator(snapshots, current_followers)
    )
    source = "nearest snapshot" if snapshots else "current followers"
    return EngagementResult(value, FORMULA_XIAOHONGSHU, len(rates), rates, {"followers_from": source})


def headline_engagement(
    platform: str,
    *,
    by_followers: EngagementResult,
    by_views: EngagementResult | None = None,
    xiaohongshu: EngagementResult | None = None,
) -> tuple[float | None, str, str]:
    """(value, formula, why) of the platform-appropriate headline engagement rate.

    Video platforms use the by-views rate when any post has views (feeds are algorithmic, so
    views measure reach), Xiaohongshu uses its likes+saves+comments form, everything else (and any
    fallback when the preferred inputs are missing) the by-followers rate.
    """
    if platform in VIDEO_PLATFORM_NAMES and by_views is not None and by_views.value is not None:
        return by_views.value, by_views.formula, "video platform: views, not followers, measure who saw a post"
    if platform == XIAOHONGSHU and xiaohongshu is not None and xiaohongshu.value is not None:
        return xiaohongshu.value, xiaohongshu.formula, "Xiaohongshu counts saves (收藏) as core engagement (赞藏评)"
    if platform in VIDEO_PLATFORM_NAMES:
        why = "video platform without view counts: fell back to followers"
    elif platform == XIAOHONGSHU:
        why = "Xiaohongshu without follower history: fell back to followers"
    else:
        why = "feed platform: followers are the audience a post is shown to"
    return by_followers.value, by_followers.formula if by_followers.value is not None else "", why
